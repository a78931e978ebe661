import Foundation
import JourneyModel
import JourneyRuntime
import Testing

/// The control group of a split takes no step and sends nothing; it stays open
/// until the goal's window closes or the goal happens, then ends with `holdout`;
/// with no goal it ends at once.
@Suite("split holdout: the control group")
struct HoldoutTests {
    /// Everyone is held out (100%), so every customer shows the control-group behaviour.
    static func heldOut(goal: Goal?) -> JourneyDefinition {
        journey(goal: goal, steps: [
            step("intro", .setting("seen", to: "true")),
            step("ab", .split(Split(variants: [.init(name: "a", weight: 1, target: .step("offer"))], holdoutPercent: 100))),
            step("offer", .email("offer")),
            step("nap", .pause("1d")),
            step("again", .email("again")),
        ])
    }

    @Test func theHoldoutSendsNothingAndEndsWhenTheWindowCloses() {
        var h = Harness(Self.heldOut(goal: Goal(event: "purchase", within: duration("3d"))))
        let armed = h.event("signup", at: 0).compactMap(\.timerRequest)
        #expect(armed.map(\.due) == [Fixture.monday9.addingTimeInterval(days(3))])
        #expect(h.run()?.waiting?.reason == .holdout)
        h.advance(to: days(3) - seconds(1))
        #expect(h.run() != nil)
        h.advance(to: days(10))
        #expect(h.log == [
            "+0 j#1 enter intro",
            "+0 j#1 update intro",
            "+3d j#1 exit ab var=holdout why=holdout",
        ])
        #expect(h.deliveries.isEmpty)
    }

    @Test func theWindowIsMeasuredFromEntryNotFromTheSplit() {
        let definition = journey(goal: Goal(event: "purchase", within: duration("3d")), steps: [
            step("nap", .pause("1d")),
            step("ab", .split(Split(variants: [.init(name: "a", weight: 1, target: .end)], holdoutPercent: 100))),
        ])
        var h = Harness(definition)
        h.event("signup", at: 0)
        h.advance(to: days(5))
        #expect(h.log == ["+0 j#1 enter nap", "+3d j#1 exit ab var=holdout why=holdout"])
    }

    @Test func aHoldoutReachedAfterTheWindowClosedEndsAtOnce() {
        let definition = journey(goal: Goal(event: "purchase", within: duration("1d")), steps: [
            step("nap", .pause("2d")),
            step("ab", .split(Split(variants: [.init(name: "a", weight: 1, target: .end)], holdoutPercent: 100))),
        ])
        var h = Harness(definition)
        h.event("signup", at: 0)
        h.advance(to: days(5))
        #expect(h.log == ["+0 j#1 enter nap", "+2d j#1 exit ab var=holdout why=holdout"])
    }

    @Test func theGoalEndsAHoldoutRunWithHoldoutAndCountsAsItsConversion() {
        var h = Harness(Self.heldOut(goal: Goal(event: "purchase", within: duration("3d"))))
        h.event("signup", at: 0)
        let window = h.run()!.waiting!.token
        let effects = h.event("purchase", at: days(1))
        #expect(effects.contains(.cancelTimer(token: window)))
        #expect(h.log == [
            "+0 j#1 enter intro",
            "+0 j#1 update intro",
            "+1d j#1 goal ab var=holdout",
            "+1d j#1 exit ab var=holdout why=holdout",
        ])
    }

    @Test func aGoalThatKeepsRunsStillEndsTheHoldoutWithHoldout() {
        var h = Harness(Self.heldOut(goal: Goal(event: "purchase", within: duration("3d"), exitsRun: false)))
        h.event("signup", at: 0)
        h.event("purchase", at: hours(5))
        #expect(h.log.suffix(2) == ["+5h j#1 goal ab var=holdout", "+5h j#1 exit ab var=holdout why=holdout"])
        #expect(h.state.runs.isEmpty)
    }

    @Test func withNoGoalTheHoldoutEndsAtOnce() {
        var h = Harness(Self.heldOut(goal: nil))
        let effects = h.event("signup", at: 0)
        #expect(effects.compactMap(\.timerRequest).isEmpty)
        #expect(h.log == ["+0 j#1 enter intro", "+0 j#1 update intro", "+0 j#1 exit ab var=holdout why=holdout"])
    }

    @Test func aGoalWithoutAWindowKeepsTheHoldoutOpenUntilTheGoal() {
        var h = Harness(Self.heldOut(goal: Goal(event: "purchase")))
        let effects = h.event("signup", at: 0)
        #expect(effects.compactMap(\.timerRequest).isEmpty)
        h.advance(to: days(60))
        #expect(h.run()?.variant == "holdout")
        h.event("purchase", at: days(61))
        #expect(h.log.suffix(2) == ["+61d j#1 goal ab var=holdout", "+61d j#1 exit ab var=holdout why=holdout"])
    }

    @Test func anExitEventEndsAHoldoutRunWithExitEvent() {
        var h = Harness(journey(exits: [EventCriterion(event: "stop")], goal: Goal(event: "purchase", within: duration("3d")),
                                steps: Self.heldOut(goal: nil).steps))
        h.event("signup", at: 0)
        h.event("stop", at: hours(1))
        h.advance(to: days(4))
        #expect(h.log.last == "+1h j#1 exit ab var=holdout why=exit_event")
    }

    @Test func aGoalAtTheInstantTheWindowClosesStillCounts() {
        var h = Harness(Self.heldOut(goal: Goal(event: "purchase", within: duration("3d"))))
        h.event("signup", at: 0)
        h.event("purchase", at: days(3))  // events come before timers due at the same instant
        h.advance(to: days(4))
        #expect(h.log.suffix(2) == ["+3d j#1 goal ab var=holdout", "+3d j#1 exit ab var=holdout why=holdout"])
    }
}
