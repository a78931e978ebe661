import Foundation
import JourneyRuntime
@testable import JourneySimulator
import Testing

/// `actions.jsonl` lines: the contract's keys in its order, and every id written as a JSON
/// string that reads back as itself, whether it is copied straight or needs escaping.
@Suite struct ActionLinesTests {
    private static let time = Date(timeIntervalSince1970: 1_709_000_000)

    private func action(customer: String, step: String? = "remind", template: String? = nil, reason: String? = nil) -> ActionRecord {
        ActionRecord(
            time: Self.time, customer: customer, journey: "cart-abandonment", version: 12, run: 3, step: step, action: .send,
            channel: "sms", template: template, variant: nil, reason: reason)
    }

    @Test func plainLineHasTheContractKeysInOrder() {
        let line = ActionLines.line(action(customer: "c-1", template: "cart_reminder"))
        #expect(line == #"{"time":"2024-02-27T02:13:20Z","customer":"c-1","journey":"cart-abandonment","version":12,"run":3,"step":"remind","action":"send","channel":"sms","template":"cart_reminder","variant":null}"# + "\n")
    }

    @Test func reasonIsWrittenOnlyWhenThereIsOne() {
        #expect(!ActionLines.line(action(customer: "c-1")).contains("reason"))
        #expect(ActionLines.line(action(customer: "c-1", step: nil, reason: "completed")).hasSuffix(#""step":null,"action":"send","channel":"sms","template":null,"variant":null,"reason":"completed"}"# + "\n"))
    }

    /// Short (inline) and long (heap) strings, with and without characters JSON must escape,
    /// the escape at the start, the middle and the end.
    @Test(arguments: [
        "c-1", "customer-with-a-long-id-0123456789", "名字", "emoji 👋 customer",
        "\"quoted\"", "back\\slash", "tab\there", "new\nline", "bell\u{07}", "long id ending in a quote 0123456789\"",
    ])
    func idsReadBackAsThemselves(_ customer: String) throws {
        let line = ActionLines.line(action(customer: customer, reason: customer))
        #expect(line.hasSuffix("}\n"))
        #expect(!line.dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["customer"] as? String == customer)
        #expect(object["reason"] as? String == customer)
        #expect(object["version"] as? Int == 12)
    }
}
