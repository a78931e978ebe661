import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("Journey versions, undeploy")
struct VersionTests {
    static let v1 = journey(exits: [EventCriterion(event: "stop")], steps: [
        step("nap", .pause("1d")),
        step("old_offer", .email("old_offer")),
    ])
    static let v2 = journey(steps: [
        step("fresh", .email("new_offer")),
        step("nap", .pause("2d")),
    ])

    static func versioned(_ h: Harness) -> [String] {
        h.actions.map { "v\($0.version) \(Fixture.line($0, time: Fixture.offsetText($0.time.timeIntervalSince(h.start))))" }
    }

    @Test func aRunFinishesOnItsVersionAfterANewVersionIsDeployedAndNewRunsUseTheNewOne() {
        var h = Harness(Self.v1)
        h.event("signup", at: 0)
        h.interpreter.catalog.deploy(DeployedJourney(definition: Self.v2, version: 2))
        h.event("signup", at: hours(1))
        h.advance(to: days(1))
        h.event("signup", at: days(2))
        #expect(Self.versioned(h) == [
            "v1 +0 j#1 enter nap",
            "v1 +1d j#1 send old_offer ch=email tpl=old_offer",
            "v1 +1d j#1 exit old_offer why=completed",
            "v2 +2d j#2 enter fresh",
            "v2 +2d j#2 send fresh ch=email tpl=new_offer",
        ])
        #expect(h.run()?.version == 2)
    }

    @Test func theOldVersionsExitCriteriaStillApplyToItsRuns() {
        var h = Harness(Self.v1)
        h.event("signup", at: 0)
        h.interpreter.catalog.deploy(DeployedJourney(definition: Self.v2, version: 2))
        h.event("stop", at: hours(3))
        #expect(Self.versioned(h) == ["v1 +0 j#1 enter nap", "v1 +3h j#1 exit nap why=exit_event"])
    }

    @Test func anUndeployedJourneyTakesNoEntriesButLetsItsRunsFinish() {
        var h = Harness(Self.v1)
        h.event("signup", at: 0)
        h.interpreter.catalog.undeploy("j")
        h.advance(to: days(1))
        h.event("signup", at: days(2))
        #expect(h.log == [
            "+0 j#1 enter nap",
            "+1d j#1 send old_offer ch=email tpl=old_offer",
            "+1d j#1 exit old_offer why=completed",
        ])
        #expect(h.state.runs.isEmpty)
    }

    /// An event reaches the runs of an undeployed journey too, in journey id order with the
    /// active journeys' entries (the path for customers with a run of an inactive journey).
    @Test func anEventReachesTheRunOfAnUndeployedJourneyInJourneyOrder() {
        let welcome = journey("m", entry: .event(name: "stop", condition: nil), steps: [step("hello", .email("hello"))])
        var h = Harness([Self.v1, welcome])
        h.event("signup", at: 0)
        h.interpreter.catalog.undeploy("j")
        h.event("stop", at: hours(3))
        #expect(h.log == [
            "+0 j#1 enter nap",
            "+3h j#1 exit nap why=exit_event",
            "+3h m#1 enter hello",
            "+3h m#1 send hello ch=email tpl=hello",
            "+3h m#1 exit hello why=completed",
        ])
        #expect(h.state.runs.isEmpty)
    }

    @Test func theUndeployInputEndsTheRunWithUndeployedAndCancelsItsTimer() {
        var h = Harness(Self.v1)
        h.event("signup", at: 0)
        let token = h.run()!.waiting!.token
        h.interpreter.catalog.undeploy("j")
        let effects = h.apply(.undeploy(journeyID: "j"), at: hours(5))
        #expect(effects.contains(.cancelTimer(token: token)))
        h.advance(to: days(3))
        #expect(h.log == ["+0 j#1 enter nap", "+5h j#1 exit nap why=undeployed"])
        #expect(h.pendingTimers.isEmpty)
    }

    @Test func theUndeployInputLeavesOtherJourneysAlone() {
        var h = Harness([Self.v1, journey("k", steps: [step("wait", .pause("1d"))])])
        h.event("signup", at: 0)
        h.apply(.undeploy(journeyID: "j"), at: hours(1))
        #expect(h.state.runs.map(\.journeyID) == ["k"])
        #expect(h.log.last == "+1h j#1 exit nap why=undeployed")
    }

    @Test func redeployingTakesEntriesAgain() {
        var h = Harness(Self.v1)
        h.interpreter.catalog.undeploy("j")
        h.event("signup", at: 0)
        h.interpreter.catalog.deploy(DeployedJourney(definition: Self.v2, version: 2))
        h.event("signup", at: hours(1))
        #expect(Self.versioned(h).first == "v2 +1h j#1 enter fresh")
    }

    @Test func anUndeployInputWithNoRunDoesNothing() {
        var h = Harness(Self.v1)
        let effects = h.apply(.undeploy(journeyID: "j"), at: 0)
        #expect(effects.isEmpty)
        #expect(h.state.history["j"] == nil)
    }

    @Test func aRunWaitingAtAStepTheNewVersionLacksStillFinishes() {
        var h = Harness(Self.v1)
        h.event("signup", at: 0)
        #expect(Self.v2.step("old_offer") == nil)
        h.interpreter.catalog.deploy(DeployedJourney(definition: Self.v2, version: 2))
        h.interpreter.catalog.undeploy("j")
        h.advance(to: days(1))
        #expect(Self.versioned(h).last == "v1 +1d j#1 exit old_offer why=completed")
    }
}
