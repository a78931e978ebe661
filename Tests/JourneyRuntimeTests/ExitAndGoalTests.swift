import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("Exit criteria")
struct ExitCriteriaTests {
    let guarded = journey(
        exits: [EventCriterion(event: "unsubscribe"), EventCriterion(event: "purchase", condition: expr("event.value >= 100"))],
        steps: [step("nap", .pause("1d")), step("hello", .email("hello"))])

    @Test func anExitEventEndsTheRunAtOnceWithExitEventAndCancelsItsTimer() {
        var h = Harness(guarded)
        h.event("signup", at: 0)
        let timer = h.state.run(of: "j")?.waiting?.token
        let effects = h.event("unsubscribe", at: hours(3))
        #expect(effects.contains(.cancelTimer(token: timer!)))
        h.advance(to: days(2))
        #expect(h.log == ["+0 j#1 enter nap", "+3h j#1 exit nap why=exit_event"])
        #expect(h.state.runs.isEmpty)
    }

    @Test func anExitCriterionWithWhereOnlyEndsTheRunWhenItHolds() {
        var h = Harness(guarded)
        h.event("signup", at: 0)
        h.event("purchase", at: hours(1), ["value": 50])
        #expect(h.run() != nil)
        h.event("purchase", at: hours(2), ["value": 150])
        #expect(h.log == ["+0 j#1 enter nap", "+2h j#1 exit nap why=exit_event"])
    }

    @Test func anExitEventWithNoRunDoesNothing() {
        var h = Harness(guarded)
        h.event("unsubscribe", at: 0)
        #expect(h.log.isEmpty)
    }
}

@Suite("Goal: counting, attribution, window, exit")
struct GoalTests {
    static let steps = [
        step("first", .email("first")),
        step("nap", .pause("1d")),
        step("second", .sendOn(.chain(["push", "sms"]), "second")),
        step("nap2", .pause("1d")),
        step("third", .email("third")),
    ]

    @Test func aGoalIsAttributedToTheLastSendAndEndsTheRunWithGoal() {
        var h = Harness(journey(goal: Goal(event: "purchase", within: duration("7d")), steps: Self.steps))
        h.event("signup", at: 0)
        h.advance(to: days(1))
        h.event("purchase", at: days(1) + hours(1))
        h.advance(to: days(5))
        #expect(h.log == [
            "+0 j#1 enter first",
            "+0 j#1 send first ch=email tpl=first",
            "+1d j#1 send second ch=push tpl=second",
            "+1d1h j#1 goal second ch=push tpl=second",
            "+1d1h j#1 exit nap2 why=goal",
        ])
        #expect(h.pendingTimers.isEmpty)
    }

    @Test func aGoalBeforeAnySendIsRecordedAtTheCurrentStepWithNoChannel() {
        var h = Harness(journey(goal: Goal(event: "purchase"), steps: [step("nap", .pause("1d")), step("hello", .email("hello"))]))
        h.event("signup", at: 0)
        h.event("purchase", at: hours(2))
        #expect(h.log == ["+0 j#1 enter nap", "+2h j#1 goal nap", "+2h j#1 exit nap why=goal"])
    }

    @Test func aGoalExactlyAtTheEndOfTheWindowCounts() {
        var h = Harness(journey(goal: Goal(event: "purchase", within: duration("2d")), steps: [step("nap", .pause("5d"))]))
        h.event("signup", at: 0)
        h.event("purchase", at: days(2))
        #expect(h.log == ["+0 j#1 enter nap", "+2d j#1 goal nap", "+2d j#1 exit nap why=goal"])
    }

    @Test func aGoalAfterTheWindowIsNotCountedAndTheRunGoesOn() {
        var h = Harness(journey(goal: Goal(event: "purchase", within: duration("2d")), steps: [step("nap", .pause("5d"))]))
        h.event("signup", at: 0)
        h.event("purchase", at: days(2) + seconds(1))
        #expect(h.log == ["+0 j#1 enter nap"])
        #expect(h.run()?.converted == false)
        h.advance(to: days(5))
        #expect(h.log.last == "+5d j#1 exit nap why=completed")
    }

    @Test func theWindowIsMeasuredFromThisRunsEntry() {
        var h = Harness(journey(goal: Goal(event: "purchase", within: duration("1d")), steps: [step("nap", .pause("3d"))]))
        h.event("signup", at: 0)
        h.advance(to: days(3))
        h.event("signup", at: days(10))
        h.event("purchase", at: days(10) + hours(20))
        #expect(h.log.suffix(3) == ["+10d j#2 enter nap", "+10d20h j#2 goal nap", "+10d20h j#2 exit nap why=goal"])
    }

    @Test func aGoalWithWhereOnlyCountsWhenItHolds() {
        let goal = Goal(event: "purchase", condition: expr("event.value > 20"))
        var h = Harness(journey(goal: goal, steps: [step("nap", .pause("3d"))]))
        h.event("signup", at: 0)
        h.event("purchase", at: hours(1), ["value": 5])
        h.event("purchase", at: hours(2), ["value": 25])
        #expect(h.log == ["+0 j#1 enter nap", "+2h j#1 goal nap", "+2h j#1 exit nap why=goal"])
    }

    @Test func exitFalseCountsTheGoalOnceAndLetsTheRunFinish() {
        var h = Harness(journey(goal: Goal(event: "purchase", exitsRun: false), steps: Self.steps))
        h.event("signup", at: 0)
        h.event("purchase", at: hours(1))
        h.event("purchase", at: hours(2))
        h.advance(to: days(1))
        h.event("purchase", at: days(1) + hours(1))
        h.advance(to: days(2))
        #expect(h.log == [
            "+0 j#1 enter first",
            "+0 j#1 send first ch=email tpl=first",
            "+1h j#1 goal first ch=email tpl=first",
            "+1d j#1 send second ch=push tpl=second",
            "+2d j#1 send third ch=email tpl=third",
            "+2d j#1 exit third why=completed",
        ])
    }

    @Test func aNewRunCountsItsOwnGoal() {
        var h = Harness(journey(goal: Goal(event: "purchase", exitsRun: false), steps: [step("nap", .pause("1d"))]))
        h.event("signup", at: 0)
        h.event("purchase", at: hours(1))
        h.advance(to: days(1))
        h.event("signup", at: days(2))
        h.event("purchase", at: days(2) + hours(1))
        #expect(h.log.filter { $0.contains(" goal ") } == ["+1h j#1 goal nap", "+2d1h j#2 goal nap"])
    }

    @Test func aGoalEventWithNoRunIsNotAConversion() {
        var h = Harness(journey(goal: Goal(event: "purchase"), steps: [step("nap", .pause("1d"))]))
        h.event("purchase", at: 0)
        #expect(h.log.isEmpty)
    }
}
