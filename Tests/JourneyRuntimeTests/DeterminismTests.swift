import Foundation
import JourneyModel
import JourneyRuntime
import Testing

/// The interpreter reads no clock and draws no random numbers: the same inputs
/// give the same effects and the same state, however often and wherever they run.
@Suite("Determinism")
struct DeterminismTests {
    static let journeys = [
        journey("cart", entry: .event(name: "add_to_cart", condition: expr("event.value > 0")),
                exits: [EventCriterion(event: "unsubscribe")], goal: Goal(event: "purchase", within: duration("7d")),
                limits: Limits(frequencyCap: FrequencyCap(max: 2, per: duration("1d")), quietHours: QuietHours(from: clock("21:00"), to: clock("08:00"))),
                steps: [
                    step("grace", .await("purchase", timeout: "1h", onTimeout: .step("ab"))),
                    step("ab", .split(Split(variants: [.init(name: "a", weight: 1, target: .step("remind")), .init(name: "b", weight: 2, target: .step("coupon"))], holdoutPercent: 10))),
                    step("remind", .sendOn(.chain(["push", "email"]), "cart_reminder"), next: .step("later")),
                    step("coupon", .sendOn(.preferred(fallback: ["sms"]), "cart_coupon")),
                    step("later", .until("10:00", on: [.mon, .wed, .fri])),
                    step("tally", .update(ProfileUpdate(increment: [.init(path: ["reminded"], value: expr("1"))], addTags: ["cart"]))),
                ]),
        journey("lapsed", entry: .segment(condition: expr("days_since(profile.last_seen_at) > 3"), recheck: duration("12h")),
                steps: [step("winback", .email("winback"))]),
    ]

    static func scenario(customer: String) -> Harness {
        var h = Harness(journeys, customer: customer, attributes: ["email": "x@example.com", "timezone": "Europe/Berlin"],
                        start: Fixture.instant("2024-03-04T19:30:00Z"))
        h.event("visit", at: 0, ["channel": "in_app"])
        h.event("add_to_cart", at: minutes(5), ["value": 30, "sku": "X1"])
        h.event("add_to_cart", at: minutes(20), ["value": 10])
        h.advance(to: days(3))
        h.event("purchase", at: days(3) + hours(1), ["value": 30])
        h.advance(to: days(10))
        return h
    }

    @Test func theSameInputsGiveIdenticalEffectsAndState() {
        for n in 0..<20 {
            let first = Self.scenario(customer: "user_\(n)")
            let second = Self.scenario(customer: "user_\(n)")
            #expect(!first.actions.isEmpty)
            #expect(first.effects == second.effects)
            #expect(first.state == second.state)
        }
    }

    @Test func aStateSavedAndRestoredMidRunDecidesExactlyWhatTheOriginalDoes() throws {
        var original = Harness(Self.journeys, customer: "user_3", start: Fixture.instant("2024-03-04T19:30:00Z"))
        original.event("add_to_cart", at: 0, ["value": 30])
        var restored = original
        restored.state = try JSONDecoder().decode(CustomerState.self, from: JSONEncoder().encode(original.state))
        #expect(restored.state == original.state)
        original.clear()
        restored.clear()
        original.advance(to: days(10))
        restored.advance(to: days(10))
        #expect(!original.effects.isEmpty)
        #expect(original.effects == restored.effects)
        #expect(original.state == restored.state)
    }

    @Test func handlingTheSameInputOnTwoCopiesOfAStateGivesTheSameResult() {
        var h = Harness(Self.journeys, customer: "user_5")
        h.event("add_to_cart", at: 0, ["value": 30])
        var a = h.state, b = h.state
        let now = Fixture.monday9.addingTimeInterval(minutes(30))
        let input = CustomerInput.event(customerEvent("purchase", at: now, customer: "user_5"))
        let effectsA = a.handle(input, at: now, using: h.interpreter)
        let effectsB = b.handle(input, at: now, using: h.interpreter)
        #expect(effectsA == effectsB)
        #expect(a == b)
        #expect(effectsA.compactMap(\.actionRecord).map(\.action) == [.goal, .exit])
    }

    @Test func timerTokensOnlyGoUp() {
        let h = Self.scenario(customer: "user_1")
        // Segment rechecks set the top bit (they sort after the customer's other timers due at
        // the same instant); below it, one counter numbers every timer.
        let tokens = h.effects.compactMap(\.timerRequest).map(\.token)
        let counters = tokens.map { $0 & ~(UInt64(1) << 63) }
        #expect(counters == counters.sorted())
        #expect(Set(counters).count == counters.count)
        #expect(tokens.contains { $0 >= UInt64(1) << 63 }, "the scenario has segment rechecks")
        #expect(tokens.contains { $0 < UInt64(1) << 63 }, "and other timers")
    }

    @Test func theOrderInWhichJourneysWereDeployedDoesNotMatter() {
        let one = journey("one", steps: [step("a", .email("one")), step("nap", .pause("1h")), step("b", .setting("one", to: "true"))])
        let two = journey("two", steps: [step("a", .email("two")), step("nap", .pause("1h")), step("b", .setting("two", to: "true"))])
        var forward = Harness([one, two])
        forward.event("signup", at: 0)
        forward.advance(to: hours(2))
        var backward = Harness([two, one])
        backward.event("signup", at: 0)
        backward.advance(to: hours(2))
        #expect(forward.effects == backward.effects)
        #expect(forward.state == backward.state)
        #expect(forward.log.first == "+0 one#1 enter a")
    }

    @Test func theVariantDoesNotDependOnTimeOrHistory() {
        let ab = journey(steps: [
            step("ab", .split(Split(variants: [.init(name: "a", weight: 1, target: .end), .init(name: "b", weight: 1, target: .end)]))),
        ])
        for n in 0..<30 {
            var early = Harness(ab, customer: "user_\(n)")
            early.event("signup", at: 0)
            var late = Harness(ab, customer: "user_\(n)", attributes: ["plan": "pro"], start: Fixture.instant("2031-07-19T23:59:59Z"))
            late.event("visit", at: 0, ["channel": "sms"])
            late.event("signup", at: days(40))
            #expect(early.actions.last?.variant == late.actions.last?.variant)
        }
    }
}
