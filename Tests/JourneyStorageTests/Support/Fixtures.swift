import Foundation
import JourneyModel
import JourneyRuntime

/// Values for storage tests, built with the runtime's public initialisers.
/// Times are whole seconds after a fixed instant, so they survive any encoding exactly.
enum Fixture {
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    static func at(_ seconds: Double) -> Date { epoch.addingTimeInterval(seconds) }

    static func event(_ id: String?, customer: String = "alice", name: String = "cart_updated", at seconds: Double = 0) -> InboxInput {
        let event = CustomerEvent(
            id: id, customerID: customer, name: name, time: at(seconds),
            properties: ["sku": .string("sku-1"), "value": .number(42.5), "gift": .bool(false)])
        return InboxInput(payload: .event(event), acceptedAt: at(seconds + 1))
    }

    static func profileChange(_ customer: String, at seconds: Double = 0) -> InboxInput {
        let change = ProfileChange(customerID: customer, attributes: ["tier": .string("gold")], consent: ["email": true])
        return InboxInput(payload: .profile(change), acceptedAt: at(seconds))
    }

    static func timer(_ customer: String, _ token: UInt64, due seconds: Double, journey: String = "cart") -> TimerRequest {
        TimerRequest(customerID: customer, token: token, due: at(seconds), journeyID: journey)
    }

    /// A customer with a profile, a waiting run and history: every kind of field a snapshot holds.
    static func customer(_ id: String, tier: String = "gold") -> CustomerState {
        var state = CustomerState(customerID: id, profile: Profile(attributes: [
            "email": .string("\(id)@example.com"), "tier": .string(tier), "purchase_count": .number(2),
            "vip": .bool(true), "tags": .array([.string("new"), .null]), "address": .object(["city": .string("Lyon")]),
        ]))
        var run = RunState(
            journeyID: "cart", version: 3, number: 2, stepID: "wait_a_bit", enteredAt: at(5),
            event: EventContext(name: "cart_updated", time: at(5), properties: .object(["sku": .string("sku-1")])))
        run.variant = "b"
        run.visits = ["wait_a_bit": 1]
        run.waiting = Waiting(reason: .delay, token: 7, deadline: at(3_600))
        state.runs = [run]
        state.history = ["cart": JourneyHistory(runCount: 2, lastEndedAt: at(-86_400), sendTimes: [at(-90_000)])]
        state.lastTimerToken = 7
        state.segmentChecks = ["vip": 6]
        state.segmentCheckTimes = ["vip": SegmentRecheck(due: Date(timeIntervalSince1970: 1_709_600_000), interval: 3_600)]
        return state
    }

    static func action(_ customer: String, step: String, at seconds: Double = 0) -> ActionRecord {
        ActionRecord(
            time: at(seconds), customer: customer, journey: "cart", version: 1, run: 1, step: step, action: .send,
            channel: "email", template: "reminder")
    }

    static func journeyVersion(_ id: String, version: Int, active: Bool = true, hash: String = "h1") -> StoredJourneyVersion {
        let definition = JourneyDefinition(
            id: id, name: "Journey \(id)", entry: Entry(trigger: .event(name: "cart_updated", condition: nil)),
            steps: [Step(id: "done", action: .exit(reason: "completed"))])
        return StoredJourneyVersion(
            journeyID: id, version: version, definition: definition, contentHash: hash, deployedAt: at(Double(version)),
            active: active)
    }

    /// `OutboundMessage` has no public memberwise initialiser, so tests decode one from JSON.
    static func message(_ key: String, customer: String = "alice", at seconds: Double = 0, channel: String = "email") -> OutboundMessage {
        let json = """
            {
              "idempotencyKey": "\(key)", "kind": "send", "time": \(at(seconds).timeIntervalSince1970),
              "customerID": "\(customer)", "journeyID": "cart", "version": 1, "run": 1, "stepID": "remind",
              "visit": 1, "channel": "\(channel)", "template": "reminder",
              "profile": {"email": "\(customer)@example.com"}, "variant": "a"
            }
            """
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(OutboundMessage.self, from: Data(json.utf8))
        } catch {
            fatalError("the OutboundMessage fixture no longer decodes: \(error)")
        }
    }
}

extension Array where Element == InboxAppendResult {
    /// The sequence of each appended input, nil for a duplicate.
    var sequences: [Int64?] {
        map { result in
            if case .appended(let entry) = result { entry.sequence } else { nil }
        }
    }
}
