import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("Entry: segment, level-triggered, with recheck timers")
struct SegmentEntryTests {
    static func segment(
        _ condition: String, id: String = "seg", recheck: String = "1d", reentry: ReentryPolicy = .afterExit,
        steps: [Step] = [step("hello", .email("hello"))]
    ) -> JourneyDefinition {
        journey(id, entry: .segment(condition: expr(condition), recheck: duration(recheck)), reentry: reentry, steps: steps)
    }

    @Test func aProfileChangeThatMakesTheConditionTrueEnters() {
        var h = Harness(Self.segment("profile.plan == 'pro'"))
        h.profile(["plan": "free"], at: 0)
        #expect(h.log.isEmpty)
        h.profile(["plan": "pro"], at: hours(1))
        #expect(h.log == [
            "+1h seg#1 enter hello",
            "+1h seg#1 send hello ch=email tpl=hello",
            "+1h seg#1 exit hello why=completed",
        ])
    }

    /// A segment is a condition over the profile: the event that triggers a check is not in it,
    /// and the run it starts has no event (docs/journey-language.md, Paths).
    @Test func theEventThatTriggersACheckIsNeitherInTheConditionNorInTheRun() {
        var byEvent = Harness(Self.segment("profile.vip == true and event.name == 'go'"), attributes: ["vip": true])
        byEvent.event("go", at: 0)
        #expect(byEvent.log.isEmpty)
        let branchOnEvent = Self.segment("profile.vip == true", steps: [
            step("look", .branch(Branch(cases: [.init(condition: expr("exists(event.v)"), target: .step("with_event"))], otherwise: .step("without_event")))),
            step("with_event", .email("with_event"), next: .end),
            step("without_event", .email("without_event")),
        ])
        var h = Harness(branchOnEvent, attributes: ["vip": true])
        h.event("go", at: 0, ["v": 1])
        #expect(h.log.contains("+0 seg#1 send without_event ch=email tpl=without_event"))
        #expect(h.deliveries.first?.event == nil)
    }

    @Test func anEventIsCheckedAfterItsTraitsAreRecorded() {
        var h = Harness(Self.segment("profile.purchase_count >= 2"))
        h.event("purchase", at: 0)
        h.event("purchase", at: hours(2))
        #expect(h.log.first == "+2h seg#1 enter hello")
        #expect(h.log.count == 3)
    }

    @Test func theFirstCheckArmsARecheckAtNowPlusTheInterval() {
        var h = Harness(Self.segment("profile.plan == 'pro'", recheck: "6h"))
        // The reference schedule: with prediction on, this recheck would move to where it can matter.
        h.interpreter.predictsSegmentRechecks = false
        let effects = h.apply(.checkSegments, at: minutes(10))
        #expect(effects.compactMap(\.timerRequest).map { $0.due } == [Fixture.monday9.addingTimeInterval(minutes(10) + hours(6))])
        #expect(effects.compactMap(\.timerRequest).first?.journeyID == "seg")
        // Further checks do not arm a second timer; the firing re-arms it.
        h.apply(.checkSegments, at: hours(1))
        #expect(h.pendingTimers == [minutes(10) + hours(6)])
        h.advance(to: minutes(10) + hours(6))
        #expect(h.pendingTimers == [minutes(10) + hours(12)])
    }

    @Test(arguments: [false, true])
    func aTimeBasedConditionEntersAtTheRecheckWhenItBecomesTrue(predicting: Bool) {
        var h = Harness(Self.segment("days_since(profile.last_seen_at) > 30"))
        h.interpreter.predictsSegmentRechecks = predicting
        h.event("visit", at: 0)
        // Predicted, the recheck goes straight to the first one at which the customer enters.
        #expect(h.pendingTimers == [predicting ? days(31) : days(1)])
        h.advance(to: days(30))
        #expect(h.log.isEmpty, "exactly 30 days is not more than 30")
        h.advance(to: days(31))
        #expect(h.log == [
            "+31d seg#1 enter hello",
            "+31d seg#1 send hello ch=email tpl=hello",
            "+31d seg#1 exit hello why=completed",
        ])
        #expect(h.pendingTimers == [days(32)])
    }

    @Test func whileTheConditionHoldsEveryCheckEntersAgainAfterTheRunEnds() {
        var h = Harness(Self.segment("profile.plan == 'pro'"))
        h.profile(["plan": "pro"], at: 0)
        h.advance(to: days(2))
        #expect(h.log.filter { $0.contains("enter") } == ["+0 seg#1 enter hello", "+1d seg#2 enter hello", "+2d seg#3 enter hello"])
    }

    @Test func aRunInProgressIsNotEnteredTwice() {
        var h = Harness(Self.segment("profile.plan == 'pro'", steps: [step("nap", .pause("3d")), step("hello", .email("hello"))]))
        h.profile(["plan": "pro"], at: 0)
        h.profile(["plan": "pro", "seen": 1], at: hours(1))
        h.event("visit", at: hours(2))
        h.advance(to: days(2))
        #expect(h.log == ["+0 seg#1 enter nap"])
        #expect(h.state.runs.count == 1)
    }

    @Test func onceAllowsASingleRunEvenWhileTheConditionKeepsHolding() {
        var h = Harness(Self.segment("profile.plan == 'pro'", reentry: .once))
        h.profile(["plan": "pro"], at: 0)
        h.advance(to: days(5))
        h.profile(["plan": "pro", "x": 1], at: days(6))
        #expect(h.log.filter { $0.contains("enter") } == ["+0 seg#1 enter hello"])
    }

    @Test func checkSegmentsEntersWhenTheConditionAlreadyHolds() {
        var h = Harness(Self.segment("profile.country == 'FR'"), attributes: ["country": "FR"])
        h.apply(.checkSegments, at: 0)
        #expect(h.log.first == "+0 seg#1 enter hello")
    }

    @Test func theRecheckOfAnUndeployedJourneyIsCancelled() {
        var h = Harness(Self.segment("profile.plan == 'pro'"))
        h.apply(.checkSegments, at: 0)
        let token = h.state.segmentChecks["seg"]
        #expect(token != nil)
        h.interpreter.catalog.undeploy("seg")
        let effects = h.apply(.checkSegments, at: hours(1))
        #expect(effects == [.cancelTimer(token: token!)])
        #expect(h.state.segmentChecks.isEmpty)
        #expect(h.pendingTimers.isEmpty)
    }

    @Test func anUpdateStepResumedByATimerIsAProfileChangeThatIsChecked() {
        let onboarding = journey("onboard", steps: [
            step("nap", .pause("1h")),
            step("promote", .setting("vip", to: "true")),
        ])
        var h = Harness([onboarding, Self.segment("profile.vip == true", id: "vip")])
        h.event("signup", at: 0)
        h.advance(to: hours(2))
        #expect(h.log == [
            "+0 onboard#1 enter nap",
            "+1h onboard#1 update promote",
            "+1h onboard#1 exit promote why=completed",
            "+1h vip#1 enter hello",
            "+1h vip#1 send hello ch=email tpl=hello",
            "+1h vip#1 exit hello why=completed",
        ])
    }

    /// The event whose traits made the condition true still starts the run at its instant,
    /// but it is not the run's event.
    @Test func aRunEnteredByTheTraitsOfAnEventDoesNotCarryTheEvent() {
        var h = Harness(Self.segment("profile.purchase_count >= 1"))
        h.event("purchase", at: 0, ["sku": "X1"])
        #expect(h.log.first == "+0 seg#1 enter hello")
        #expect(h.deliveries.count == 1)
        #expect(h.deliveries.first?.event == nil)
    }
}
