import Foundation
import JourneyModel
@testable import JourneyRuntime
import Testing

@testable import JourneyStorage

/// ``BlobWriter`` replaces `JSONEncoder` for snapshots, outbox messages and
/// actions: whatever it writes must decode with `JSONDecoder` to the very value
/// written, and to the same value as `JSONEncoder`'s blob of it.
@Suite("BlobWriter")
struct BlobWriterTests {
    static let awkward: [String] = [
        "", "plain", "quote \" backslash \\ slash /", "line\nbreak\ttab\r\u{8}\u{C}", "\u{0}\u{1}\u{1F}", "汉字 ünïcödé 🛒", "emoji 👩‍👩‍👧",
    ]
    static let numbers: [Double] = [0, -0.0, 1, -1, 42, 0.1, -2.5, 1e-7, 123_456_789.125, 9_007_199_254_740_992, 1e20, -3e300, 1_709_000_000.123456]

    static func profile() -> Profile {
        var attributes: [String: JSONValue] = [:]
        for (index, text) in awkward.enumerated() { attributes["text\(index) \(text)"] = .string(text) }
        for (index, number) in numbers.enumerated() { attributes["n\(index)"] = .number(number) }
        attributes["nested"] = .object(["a": .array([.null, .bool(true), .bool(false), .object([:]), .array([])]), "b": .object(["c": .number(2)])])
        attributes["null"] = .null
        return Profile(attributes: attributes)
    }

    static func state() -> CustomerState {
        var state = CustomerState(customerID: "cust \"1\"", profile: profile())
        var run = RunState(journeyID: "cart", version: 3, number: 2, stepID: "remind", enteredAt: Date(timeIntervalSince1970: 1_709_000_000.25),
                           event: EventContext(name: "add_to_cart", time: Date(timeIntervalSince1970: 1_709_000_001.5), properties: .object(["value": .number(168), "sku": .string("TEA/1")])))
        run.variant = "B"
        run.visits = ["grace": 1, "remind": 2]
        run.waiting = Waiting(reason: .event, token: UInt64.max - 1, deadline: Date(timeIntervalSince1970: 1_709_003_600.000_001))
        run.lastSend = SendAttribution(stepID: "remind", channel: "sms", template: "cart_reminder")
        run.converted = true
        var bare = RunState(journeyID: "win-back", version: 1, number: 1, stepID: "start", enteredAt: Date(timeIntervalSince1970: 0), event: nil)
        bare.waiting = Waiting(reason: .holdout, token: 7, deadline: nil)
        state.runs = [run, bare]
        state.history = ["cart": JourneyHistory(runCount: 2, lastEndedAt: Date(timeIntervalSince1970: 1_708_000_000.75), sendTimes: [Date(timeIntervalSince1970: 1), Date(timeIntervalSince1970: 2.5)]), "win-back": JourneyHistory()]
        state.lastTimerToken = 123_456_789_012
        state.segmentChecks = ["win-back": 9]
        state.segmentCheckTimes = ["win-back": SegmentRecheck(due: Date(timeIntervalSince1970: 1_709_600_000.5), interval: 86_400)]
        return state
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }

    func roundTrips<Value: Codable & Equatable>(_ value: Value, _ write: (inout BlobWriter) -> Void) throws {
        var writer = BlobWriter()
        write(&writer)
        let unsupported = writer.unsupported
        #expect(!unsupported)
        let fast = try Self.decoder().decode(Value.self, from: writer.data)
        let reference = try Self.decoder().decode(Value.self, from: Self.encoder().encode(value))
        #expect(fast == value)
        #expect(fast == reference)
    }

    @Test("a snapshot written before segment recheck times were kept still decodes")
    func snapshotWithoutRecheckTimes() throws {
        let state = Self.state()
        var object = try #require(try JSONSerialization.jsonObject(with: Self.encoder().encode(state)) as? [String: Any])
        #expect(object.removeValue(forKey: "segmentCheckTimes") != nil)
        let old = try Self.decoder().decode(CustomerState.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.segmentCheckTimes.isEmpty)
        #expect(old.segmentChecks == state.segmentChecks)
        var expected = state
        expected.segmentCheckTimes = [:]
        #expect(old == expected)
    }

    /// The writer checks eight bytes at a time for one that needs escaping: put each
    /// such byte, and neighbours that must stay as they are, at every offset of
    /// strings around that width.
    @Test("strings escape exactly the bytes JSON requires, wherever they fall")
    func escapesAtEveryOffset() throws {
        let specials: [Character] = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{8}", "\u{C}", "\u{1B}", "\u{1F}"]
        let plain: [Character] = [" ", "!", "#", "/", "[", "]", "~", "\u{7F}", "é", "汉", "🛒"]
        for length in 0..<20 {
            for position in 0..<max(length, 1) {
                for character in specials + plain {
                    var characters = Array(repeating: Character("a"), count: length)
                    if length > 0 { characters[position] = character }
                    let text = String(characters)
                    var writer = BlobWriter()
                    writer.string(text)
                    let decoded = try JSONDecoder().decode(String.self, from: writer.data)
                    #expect(decoded == text, "\(length) \(position) \(character.unicodeScalars.first!.value)")
                }
            }
        }
    }

    @Test("a snapshot with every field, awkward strings and numbers decodes to itself")
    func snapshot() throws {
        let state = Self.state()
        try roundTrips(state) { $0.write(state) }
        let empty = CustomerState(customerID: "new")
        try roundTrips(empty) { $0.write(empty) }
    }

    /// A send with every optional field set, the profile and event of ``state()``.
    static func fullMessage() -> OutboundMessage {
        let state = Self.state()
        return OutboundMessage(
            idempotencyKey: "cart/2/remind/1/cust", kind: .send, time: Date(timeIntervalSince1970: 1_709_000_002.125), customerID: state.customerID,
            journeyID: "cart", version: 3, run: 2, stepID: "remind", visit: 1, channel: "sms", template: "cart_reminder", message: "Hi \"there\"\n",
            data: .object(["code": .string("SAVE10"), "discount_percent": .number(10)]), webhook: nil, profile: state.profile.json,
            event: state.runs[0].event, variant: "B", enteredAt: Date(timeIntervalSince1970: 1_708_990_000))
    }

    @Test("outbox messages with and without optional fields decode to themselves")
    func message() throws {
        var message = Self.fullMessage()
        try roundTrips(message) { $0.write(message) }
        message.enteredAt = nil
        message.template = nil
        message.message = nil
        message.data = nil
        message.event = nil
        message.variant = nil
        try roundTrips(message) { $0.write(message) }
    }

    @Test("actions decode to themselves")
    func action() throws {
        let full = ActionRecord(time: Date(timeIntervalSince1970: 1_709_000_000.5), customer: "c", journey: "j", version: 1, run: 1, step: "s", action: .suppressed,
                                channel: "email", template: "t", variant: "A", reason: "frequency_cap")
        try roundTrips(full) { $0.write(full) }
        let bare = ActionRecord(time: Date(timeIntervalSince1970: 0), customer: "c", journey: "j", version: 1, run: 1, step: nil, action: .exit)
        try roundTrips(bare) { $0.write(bare) }
    }

    @Test("webhook messages, with a template, a JSON or no body, decode to themselves")
    func webhookMessage() throws {
        let bodies: [Webhook.Body?] = [.template("{\"id\": \"{{customer_id}}\"}"), .json(.object(["id": "{{customer_id}}", "n": .array([1, .null])])), nil]
        for body in bodies {
            let webhook = Webhook(url: "http://127.0.0.1/hook?a=1&b=\"2\"", method: "PUT", headers: ["X-Key": "v", "X-Other": "w\n"], body: body)
            let message = OutboundMessage(
                idempotencyKey: "k", kind: .webhook, time: Date(timeIntervalSince1970: 5), customerID: "c", journeyID: "j", version: 1, run: 1,
                stepID: "s", visit: 1, channel: "webhook", template: nil, message: nil, data: nil, webhook: webhook, profile: .object([:]), event: nil, variant: nil)
            try roundTrips(message) { $0.write(message) }
        }
    }

    @Test("inbox inputs, events with and without an id and profile changes, decode to themselves")
    func inboxPayloads() throws {
        let properties = Self.profile().attributes
        let payloads: [InboxInput.Payload] = [
            .event(CustomerEvent(id: "evt \"1\"", customerID: "c/1", name: "add_to_cart", time: Date(timeIntervalSince1970: 1_709_000_000.125), properties: properties)),
            .event(CustomerEvent(customerID: "汉字", name: "view", time: Date(timeIntervalSince1970: 0))),
            .profile(ProfileChange(customerID: "c2", attributes: properties, identities: ["email": "a@b.c", "wechat": "o\u{1}x"], consent: ["sms": false, "email": true])),
            .profile(ProfileChange(customerID: "c3")),
        ]
        for payload in payloads {
            try roundTrips(payload) { $0.write(payload) }
        }
    }

    @Test("a non-finite number goes through JSONEncoder, which refuses it")
    func fallbacks() throws {
        let coder = BlobCoder()
        var writer = BlobWriter()
        let bad = CustomerState(customerID: "x", profile: Profile(attributes: ["n": .number(.infinity)]))
        writer.write(bad)
        let unsupported = writer.unsupported
        #expect(unsupported)
        #expect(throws: StorageError.self) { _ = try coder.encode(bad, as: "snapshot of customer", key: "x") }
    }
}
