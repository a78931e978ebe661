import Foundation
import JourneyModel
import JourneyRuntime
import Testing

/// A packed state must unpack to exactly the state packed: an idle customer's next
/// input is decided on the unpacked one, so any difference would change what it does.
@Suite("Compact customer state")
struct CompactCustomerStateTests {
    static let instant = Date(timeIntervalSince1970: 1_709_283_600)

    /// Every field set, with values chosen to stress each encoding path.
    static func richState() -> CustomerState {
        var state = CustomerState(customerID: "客户-42 with a long id that is not inline", profile: Profile(attributes: [
            "first_seen_at": .string("2024-02-27T02:13:20Z"),
            "last_seen_at": .string("9999-12-31T23:59:59Z"),
            "almost_a_time": .string("2024-02-27T02:13:20+08:00"),
            "twenty_chars_no_time": .string("2024-02-27X02:13:20Z"),
            "empty": .string(""),
            "emoji": .string("🎉 café"),
            "events": .object(["purchase": .object(["count": .number(3), "last_at": .string("2024-03-01T00:00:00Z")])]),
            "total_spent": .number(1234.5678),
            "negative": .number(-42),
            "negative_zero": .number(-0.0),
            "big": .number(9_007_199_254_740_993),
            "huge": .number(1e300),
            "tiny": .number(5e-324),
            "flags": .array([.bool(true), .bool(false), .null, .number(1), .array([]), .object([:])]),
            "consent": .object(["sms": .bool(false), "email": .bool(true)]),
            "tags": .array([.string("vip"), .string("cart")]),
        ]))
        var run = RunState(
            journeyID: "cart-abandonment", version: 3, number: 2, stepID: "remind", enteredAt: instant.addingTimeInterval(0.125),
            event: EventContext(name: "add_to_cart", time: instant.addingTimeInterval(-1.5), properties: .object(["sku": .string("X1"), "value": .number(19.99)])))
        run.variant = "b"
        run.visits = ["remind": 2, "grace": 1]
        run.waiting = Waiting(reason: .quietHours, token: .max, deadline: instant.addingTimeInterval(3600))
        run.lastSend = SendAttribution(stepID: "remind", channel: "push", template: "cart_reminder")
        run.converted = true
        var bare = RunState(journeyID: "win-back", version: 1, number: 1, stepID: "start", enteredAt: instant, event: nil)
        bare.waiting = Waiting(reason: .holdout, token: 7, deadline: nil)
        state.runs = [run, bare]
        state.history = [
            "cart-abandonment": JourneyHistory(runCount: 2, lastEndedAt: instant.addingTimeInterval(-86_400), sendTimes: [instant, instant.addingTimeInterval(60.25)]),
            "win-back": JourneyHistory(runCount: 1),
        ]
        state.lastTimerToken = .max
        state.segmentChecks = ["win-back": 12, "lapsed": .max - 1]
        state.segmentCheckTimes = ["win-back": SegmentRecheck(due: Date(timeIntervalSince1970: 1_709_600_000.25), interval: 86_400)]
        return state
    }

    @Test func aRichStateUnpacksToExactlyTheStatePacked() {
        let state = Self.richState()
        let packed = CompactCustomerState(state)
        #expect(packed.decoded() == state)
        // Packing what was unpacked gives the same bytes' worth (dictionary order may differ).
        #expect(CompactCustomerState(packed.decoded()).bytes.count == packed.bytes.count)
    }

    @Test func everyWaitingReasonAndAnEmptyStateRoundTrip() {
        #expect(CompactCustomerState(CustomerState(customerID: "")).decoded() == CustomerState(customerID: ""))
        for reason in [Waiting.Reason.delay, .event, .quietHours, .holdout] {
            var state = CustomerState(customerID: "c")
            var run = RunState(journeyID: "j", version: 1, number: 1, stepID: "s", enteredAt: Self.instant, event: nil)
            run.waiting = Waiting(reason: reason, token: 1, deadline: Self.instant)
            state.runs = [run]
            #expect(CompactCustomerState(state).decoded() == state)
        }
    }

    @Test func doublesKeepTheirBitsAndDatesTheirSubSecondPart() {
        let numbers: [Double] = [0, -0.0, 1, -1, 0.1, 2e53, -2e53, 2e53 + 2, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 1 / 3]
        for number in numbers {
            let state = CustomerState(customerID: "c", profile: Profile(attributes: ["n": .number(number)]))
            let back = CompactCustomerState(state).decoded().profile["n"].numberValue
            #expect(back?.bitPattern == number.bitPattern, "\(number)")
        }
        var state = CustomerState(customerID: "c")
        state.history["j"] = JourneyHistory(runCount: 1, lastEndedAt: Date(timeIntervalSinceReferenceDate: 0.000_001_23))
        #expect(CompactCustomerState(state).decoded().history["j"]?.lastEndedAt == state.history["j"]?.lastEndedAt)
    }

    @Test func timestampsAndWellKnownKeysPackSmall() {
        let state = CustomerState(customerID: "m1", profile: Profile(attributes: [
            "first_seen_at": .string("2024-02-27T02:13:20Z"), "last_seen_at": .string("2024-02-27T02:13:20Z"),
        ]))
        // id (tag + length + 2) + member count + 2 × (key 1 + value tag 1 + marker 1 + 14 digits in a
        // 7-byte varint) + five empty or zero fields (runs, history, last token, segment checks
        // and their times).
        #expect(CompactCustomerState(state).bytes.count == 4 + 1 + 2 * 10 + 5)
    }

    /// A customer packed and unpacked after every input of a scenario that touches every part
    /// of the state (runs waiting, a split, sends, frequency caps, goals, segment rechecks)
    /// does exactly what the same customer never packed does.
    @Test func packingBetweenInputsChangesNothingTheInterpreterDecides() {
        var plain = DeterminismTests.scenario(customer: "user_7")
        var packed = Harness(DeterminismTests.journeys, customer: "user_7", attributes: ["email": "x@example.com", "timezone": "Europe/Berlin"],
                             start: Fixture.instant("2024-03-04T19:30:00Z"))
        func repack(_ harness: inout Harness) {
            let before = harness.state
            harness.state = CompactCustomerState(before).decoded()
            #expect(harness.state == before)
        }
        packed.event("visit", at: 0, ["channel": "in_app"]); repack(&packed)
        packed.event("add_to_cart", at: minutes(5), ["value": 30, "sku": "X1"]); repack(&packed)
        packed.event("add_to_cart", at: minutes(20), ["value": 10]); repack(&packed)
        for hour in stride(from: 1.0, through: 72, by: 1) { packed.advance(to: hours(hour)); repack(&packed) }
        packed.event("purchase", at: days(3) + hours(1), ["value": 30]); repack(&packed)
        for day in 4...10 { packed.advance(to: days(Double(day))); repack(&packed) }
        plain.advance(to: days(10))
        #expect(!plain.actions.isEmpty)
        #expect(packed.effects == plain.effects)
        #expect(packed.state == plain.state)
    }
}
