import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("Reentry: once, after_exit, cooldown")
struct ReentryTests {
    /// Enters on `signup`, waits a day, sends, completes: a run lasts exactly one day.
    static func dayLong(_ reentry: ReentryPolicy) -> JourneyDefinition {
        journey(reentry: reentry, steps: [step("nap", .pause("1d")), step("hello", .email("hello"))])
    }

    static func enters(_ h: Harness) -> [String] { h.log.filter { $0.contains(" enter ") } }

    @Test func onceNeverEntersASecondTimeEvenAfterTheRunEnded() {
        var h = Harness(Self.dayLong(.once))
        h.event("signup", at: 0)
        h.event("signup", at: days(2))
        h.event("signup", at: days(30))
        #expect(Self.enters(h) == ["+0 j#1 enter nap"])
        #expect(h.state.runs.isEmpty)
        #expect(h.state.history["j"]?.runCount == 1)
    }

    @Test func onceAppliesToScheduleTicksToo() {
        let campaign = journey(entry: .schedule(cron: cron("0 10 * * *"), audience: nil), reentry: .once, steps: [step("hi", .email("hi"))])
        var h = Harness(campaign)
        h.apply(.scheduleTick(journeyID: "j"), at: 0)
        h.apply(.scheduleTick(journeyID: "j"), at: days(1))
        #expect(Self.enters(h) == ["+0 j#1 enter hi"])
    }

    @Test func afterExitIsTheDefault() {
        #expect(Entry(trigger: .event(name: "signup", condition: nil)).reentry == .afterExit)
    }

    @Test func afterExitEntersAgainOnceTheRunHasEndedWithTheNextRunNumber() {
        var h = Harness(Self.dayLong(.afterExit))
        h.event("signup", at: 0)
        h.event("signup", at: hours(23))
        h.advance(to: days(1))
        h.event("signup", at: days(1) + minutes(1))
        #expect(h.log == [
            "+0 j#1 enter nap",
            "+1d j#1 send hello ch=email tpl=hello",
            "+1d j#1 exit hello why=completed",
            "+1d1m j#2 enter nap",
        ])
    }

    @Test func cooldownWaitsTheDurationAfterTheRunEndedNotAfterEntry() {
        var h = Harness(Self.dayLong(.cooldown(duration("7d"))))
        h.event("signup", at: 0)
        h.advance(to: days(1))
        h.event("signup", at: days(7))  // 7 days after entry, 6 after the end
        h.event("signup", at: days(8) - seconds(1))
        #expect(Self.enters(h) == ["+0 j#1 enter nap"])
        h.event("signup", at: days(8))  // exactly 7 days after the end
        #expect(Self.enters(h) == ["+0 j#1 enter nap", "+8d j#2 enter nap"])
        #expect(h.state.history["j"]?.lastEndedAt == Fixture.monday9.addingTimeInterval(days(1)))
    }

    @Test func cooldownAlsoBlocksEntryDuringARun() {
        var h = Harness(Self.dayLong(.cooldown(duration("1h"))))
        h.event("signup", at: 0)
        h.event("signup", at: hours(2))
        #expect(Self.enters(h) == ["+0 j#1 enter nap"])
    }

    @Test func theFirstEntryIsNeverBlockedByCooldown() {
        var h = Harness(Self.dayLong(.cooldown(duration("30d"))))
        h.event("signup", at: 0)
        #expect(Self.enters(h) == ["+0 j#1 enter nap"])
    }

    @Test func aRunEndedByAnExitEventCountsForCooldown() {
        let exitable = journey(
            reentry: .cooldown(duration("2d")), exits: [EventCriterion(event: "stop")],
            steps: [step("nap", .pause("10d")), step("hello", .email("hello"))])
        var h = Harness(exitable)
        h.event("signup", at: 0)
        h.event("stop", at: hours(5))
        h.event("signup", at: days(2))
        h.event("signup", at: days(2) + hours(5))
        #expect(h.log == [
            "+0 j#1 enter nap",
            "+5h j#1 exit nap why=exit_event",
            "+2d5h j#2 enter nap",
        ])
    }

    @Test func onceHoldsAcrossANewVersionOfTheJourney() {
        var h = Harness(Self.dayLong(.once))
        h.event("signup", at: 0)
        h.advance(to: days(1))
        h.interpreter.catalog.deploy(DeployedJourney(definition: Self.dayLong(.once), version: 2))
        h.event("signup", at: days(2))
        #expect(Self.enters(h) == ["+0 j#1 enter nap"])
    }

    @Test func cooldownAppliesToSegmentEntries() {
        let segment = journey(entry: .segment(condition: expr("profile.plan == 'pro'"), recheck: duration("1d")),
                              reentry: .cooldown(duration("3d")), steps: [step("hello", .email("hello"))])
        var h = Harness(segment, attributes: ["plan": "pro"])
        h.apply(.checkSegments, at: 0)
        h.advance(to: days(7))
        #expect(Self.enters(h) == ["+0 j#1 enter hello", "+3d j#2 enter hello", "+6d j#3 enter hello"])
    }
}
