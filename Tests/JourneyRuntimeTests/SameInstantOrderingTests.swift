import Foundation
import JourneyModel
import JourneyRuntime
import Testing

/// "An event is handled in this order for each journey: exit criteria, goal, a
/// waiting wait_for, then entry (so the event that ends a run does not also start
/// a new one)." And: steps without a wait run at the instant of the step before.
@Suite("Order of things at one instant")
struct SameInstantOrderingTests {
    static let waitForPurchase = [
        step("grace", .await("purchase", timeout: "1h", onEvent: .step("thanks"), onTimeout: .step("remind"))),
        step("remind", .email("remind"), next: .end),
        step("thanks", .email("thanks")),
    ]

    /// Exit criteria decide the reason; the conversion is still counted (decision in docs/journey-language.md).
    @Test func anEventThatIsBothExitAndGoalConvertsAndExitsByTheCriterion() {
        var h = Harness(journey(exits: [EventCriterion(event: "purchase")], goal: Goal(event: "purchase"), steps: Self.waitForPurchase))
        h.event("signup", at: 0)
        h.event("purchase", at: minutes(10))
        #expect(h.log == ["+0 j#1 enter grace", "+10m j#1 goal grace", "+10m j#1 exit grace why=exit_event"])
    }

    @Test func exitCriteriaComeBeforeAWaitingWaitFor() {
        var h = Harness(journey(exits: [EventCriterion(event: "purchase")], steps: Self.waitForPurchase))
        h.event("signup", at: 0)
        h.event("purchase", at: minutes(10))
        #expect(h.log == ["+0 j#1 enter grace", "+10m j#1 exit grace why=exit_event"])
    }

    @Test func aGoalThatEndsTheRunComesBeforeAWaitingWaitFor() {
        var h = Harness(journey(goal: Goal(event: "purchase"), steps: Self.waitForPurchase))
        h.event("signup", at: 0)
        h.event("purchase", at: minutes(10))
        #expect(h.log == ["+0 j#1 enter grace", "+10m j#1 goal grace", "+10m j#1 exit grace why=goal"])
    }

    @Test func aGoalThatKeepsTheRunIsCountedThenTheWaitForMatches() {
        var h = Harness(journey(goal: Goal(event: "purchase", exitsRun: false), steps: Self.waitForPurchase))
        h.event("signup", at: 0)
        h.event("purchase", at: minutes(10))
        #expect(h.log == [
            "+0 j#1 enter grace",
            "+10m j#1 goal grace",
            "+10m j#1 send thanks ch=email tpl=thanks",
            "+10m j#1 exit thanks why=completed",
        ])
    }

    @Test func theEventThatEndsARunByExitDoesNotStartANewOne() {
        var h = Harness(journey(entry: .event(name: "purchase", condition: nil), exits: [EventCriterion(event: "purchase")],
                                steps: [step("nap", .pause("1d"))]))
        h.event("purchase", at: 0)
        h.event("purchase", at: hours(1))
        h.event("purchase", at: hours(2))
        #expect(h.log == ["+0 j#1 enter nap", "+1h j#1 exit nap why=exit_event", "+2h j#2 enter nap"])
    }

    @Test func theEventThatEndsARunByGoalDoesNotStartANewOne() {
        var h = Harness(journey(entry: .event(name: "purchase", condition: nil), goal: Goal(event: "purchase"),
                                steps: [step("nap", .pause("1d"))]))
        h.event("purchase", at: 0)
        h.event("purchase", at: hours(1))
        #expect(h.log == ["+0 j#1 enter nap", "+1h j#1 goal nap", "+1h j#1 exit nap why=goal"])
        #expect(h.state.runs.isEmpty)
    }

    @Test func theEventThatCompletesARunThroughWaitForDoesNotStartANewOne() {
        var h = Harness(journey(entry: .event(name: "visit", condition: nil), steps: [
            step("again", .await("visit", timeout: "1d")),
            step("hello", .email("second_visit")),
        ]))
        h.event("visit", at: 0)
        h.event("visit", at: hours(1))
        #expect(h.log == [
            "+0 j#1 enter again",
            "+1h j#1 send hello ch=email tpl=second_visit",
            "+1h j#1 exit hello why=completed",
        ])
        #expect(h.state.runs.isEmpty)
    }

    @Test func theEventThatEndsASegmentRunDoesNotReEnterItAtThatInstant() {
        let segment = journey("seg", entry: .segment(condition: expr("profile.plan == 'pro'"), recheck: duration("1d")),
                              exits: [EventCriterion(event: "cancel")], steps: [step("nap", .pause("2d"))])
        var h = Harness(segment, attributes: ["plan": "pro"])
        h.apply(.checkSegments, at: 0)
        h.event("cancel", at: hours(1))
        #expect(h.log == ["+0 seg#1 enter nap", "+1h seg#1 exit nap why=exit_event"])
        h.event("visit", at: hours(2))
        #expect(h.log.last == "+2h seg#2 enter nap")
    }

    @Test func anEventAtTheSameInstantAsATimeoutIsHandledFirstAndTheTimerIsThenStale() {
        var h = Harness(journey(steps: Self.waitForPurchase))
        h.event("signup", at: 0)
        let timeout = h.run()!.waiting!.token
        h.event("purchase", at: hours(1))  // the harness handles events before timers due at the same instant
        let late = h.fire(token: timeout, at: hours(1))
        #expect(late.isEmpty)
        #expect(h.log == [
            "+0 j#1 enter grace",
            "+1h j#1 send thanks ch=email tpl=thanks",
            "+1h j#1 exit thanks why=completed",
        ])
    }

    @Test func stepsWithoutAWaitRunAtTheInstantOfTheStepBefore() {
        var h = Harness(journey(steps: [
            step("nap", .pause("90m")),
            step("tag", .setting("stage", to: "'warm'")),
            step("hello", .email("hello")),
            step("ping", .webhook(Webhook(url: "https://example.com/hook"))),
        ]))
        h.event("signup", at: 0)
        h.advance(to: hours(3))
        #expect(h.log == [
            "+0 j#1 enter nap",
            "+1h30m j#1 update tag",
            "+1h30m j#1 send hello ch=email tpl=hello",
            "+1h30m j#1 webhook ping ch=webhook",
            "+1h30m j#1 exit ping why=completed",
        ])
    }
}
