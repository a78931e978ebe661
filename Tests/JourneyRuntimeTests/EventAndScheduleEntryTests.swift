import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("Entry: event with where")
struct EventEntryTests {
    let welcome = journey(
        entry: .event(name: "signup", condition: expr("event.value > 0")),
        steps: [step("hello", .email("welcome"))])

    @Test func entersWhenTheEventArrivesAndWhereHolds() {
        var h = Harness(welcome)
        h.event("signup", at: minutes(5), ["value": 10])
        #expect(h.log == [
            "+5m j#1 enter hello",
            "+5m j#1 send hello ch=email tpl=welcome",
            "+5m j#1 exit hello why=completed",
        ])
        #expect(h.state.history["j"]?.runCount == 1)
        // What templates show as `{{journey.entered_at}}`.
        #expect(h.deliveries.first?.enteredAt == Fixture.monday9.addingTimeInterval(minutes(5)))
    }

    @Test func whereThatFailsOrReadsAMissingPropertyDoesNotEnter() {
        var h = Harness(welcome)
        h.event("signup", at: 0, ["value": 0])
        h.event("signup", at: minutes(1))
        h.event("signup", at: minutes(2), ["value": "ten"])
        #expect(h.log.isEmpty)
        #expect(h.state.runs.isEmpty)
        #expect(h.state.history["j"] == nil)
    }

    /// `journey.id` is the journey's id in every expression, its entry conditions included.
    @Test func whereAndAudienceSeeTheJourneysID() {
        var h = Harness(journey("welcome", entry: .event(name: "signup", condition: expr("journey.id == 'welcome'")), steps: [step("hello", .email("welcome"))]))
        h.event("signup", at: 0)
        #expect(h.log.first == "+0 welcome#1 enter hello")
        var tick = Harness(ScheduleEntryTests.monthly(audience: "journey.id == 'monthly' and journey.entered_at == null"))
        tick.apply(.scheduleTick(journeyID: "monthly"), at: 0)
        #expect(tick.log.first == "+0 monthly#1 enter offer")
    }

    @Test func anotherEventNameDoesNotEnter() {
        var h = Harness(welcome)
        h.event("login", at: 0, ["value": 10])
        #expect(h.log.isEmpty)
    }

    @Test func whereReadsTheProfileIncludingTraitsOfThisEvent() {
        let second = journey(
            entry: .event(name: "visit", condition: expr("profile.events.visit.count == 2 and profile.plan == 'pro'")),
            steps: [step("hello", .email("second_visit"))])
        var h = Harness(second, attributes: ["plan": "pro"])
        h.event("visit", at: 0)
        h.event("visit", at: hours(1))
        h.event("visit", at: hours(2))
        #expect(h.log == [
            "+1h j#1 enter hello",
            "+1h j#1 send hello ch=email tpl=second_visit",
            "+1h j#1 exit hello why=completed",
        ])
    }

    @Test func anEntryEventDuringARunDoesNotStartASecondRun() {
        let slow = journey(steps: [step("nap", .pause("1d")), step("hello", .email("welcome"))])
        var h = Harness(slow)
        h.event("signup", at: 0)
        h.event("signup", at: hours(1))
        h.event("signup", at: hours(23))
        #expect(h.state.runs.count == 1)
        #expect(h.run()?.number == 1)
        h.advance(to: days(1))
        h.event("signup", at: days(2))
        #expect(h.log == [
            "+0 j#1 enter nap",
            "+1d j#1 send hello ch=email tpl=welcome",
            "+1d j#1 exit hello why=completed",
            "+2d j#2 enter nap",
        ])
    }

    @Test func theRunSeesTheEntryEventInLaterSteps() {
        let router = journey(steps: [
            step("nap", .pause("1h")),
            step("route", .branch(Branch(cases: [.init(condition: expr("event.plan == 'pro'"), target: .step("pro"))], otherwise: .end))),
            step("pro", .email("pro_welcome")),
        ])
        var h = Harness(router)
        h.event("signup", at: 0, ["plan": "pro"])
        h.advance(to: hours(1))
        #expect(h.log == [
            "+0 j#1 enter nap",
            "+1h j#1 send pro ch=email tpl=pro_welcome",
            "+1h j#1 exit pro why=completed",
        ])
        #expect(h.deliveries.first?.event?.properties == ["plan": "pro"])
    }

    @Test func everyJourneyTheEventEntersIsEnteredInJourneyIDOrder() {
        let b = journey("b", steps: [step("one", .email("b_hello"))])
        let a = journey("a", steps: [step("one", .email("a_hello"))])
        var h = Harness([b, a])
        h.event("signup", at: 0)
        #expect(h.log == [
            "+0 a#1 enter one", "+0 a#1 send one ch=email tpl=a_hello", "+0 a#1 exit one why=completed",
            "+0 b#1 enter one", "+0 b#1 send one ch=email tpl=b_hello", "+0 b#1 exit one why=completed",
        ])
    }
}

@Suite("Entry: schedule tick with audience")
struct ScheduleEntryTests {
    static func monthly(audience: String?, steps: [Step] = [step("offer", .email("offer"))]) -> JourneyDefinition {
        journey("monthly", entry: .schedule(cron: cron("0 10 8 * *"), audience: audience.map { expr($0) }), steps: steps)
    }

    @Test func aTickEntersACustomerWhoseProfileMatches() {
        var h = Harness(Self.monthly(audience: "profile.tier == 'gold'"), attributes: ["tier": "gold"])
        h.apply(.scheduleTick(journeyID: "monthly"), at: hours(1))
        #expect(h.log == [
            "+1h monthly#1 enter offer",
            "+1h monthly#1 send offer ch=email tpl=offer",
            "+1h monthly#1 exit offer why=completed",
        ])
        #expect(h.deliveries.first?.event == nil)
    }

    @Test func aTickSkipsACustomerWhoseProfileDoesNotMatch() {
        var h = Harness(Self.monthly(audience: "profile.tier == 'gold'"), attributes: ["tier": "silver"])
        h.apply(.scheduleTick(journeyID: "monthly"), at: 0)
        var bare = Harness(Self.monthly(audience: "profile.tier == 'gold'"))
        bare.apply(.scheduleTick(journeyID: "monthly"), at: 0)
        #expect(h.log.isEmpty)
        #expect(bare.log.isEmpty)
    }

    @Test func withoutAnAudienceEveryCustomerEnters() {
        var h = Harness(Self.monthly(audience: nil))
        h.apply(.scheduleTick(journeyID: "monthly"), at: 0)
        #expect(h.log.first == "+0 monthly#1 enter offer")
    }

    @Test func aTickDuringARunDoesNotStartASecondRun() {
        let long = Self.monthly(audience: nil, steps: [step("nap", .pause("40d")), step("offer", .email("offer"))])
        var h = Harness(long)
        h.apply(.scheduleTick(journeyID: "monthly"), at: 0)
        h.apply(.scheduleTick(journeyID: "monthly"), at: days(31))
        h.advance(to: days(40))
        h.apply(.scheduleTick(journeyID: "monthly"), at: days(60))
        #expect(h.log == [
            "+0 monthly#1 enter nap",
            "+40d monthly#1 send offer ch=email tpl=offer",
            "+40d monthly#1 exit offer why=completed",
            "+60d monthly#2 enter nap",
        ])
    }

    @Test func aTickForAnUndeployedOrNonScheduleJourneyDoesNothing() {
        var h = Harness([Self.monthly(audience: nil), journey(steps: [step("hello", .email("welcome"))])])
        h.interpreter.catalog.undeploy("monthly")
        h.apply(.scheduleTick(journeyID: "monthly"), at: 0)
        h.apply(.scheduleTick(journeyID: "j"), at: 0)
        h.apply(.scheduleTick(journeyID: "nope"), at: 0)
        #expect(h.log.isEmpty)
        #expect(h.state.runs.isEmpty)
    }
}
