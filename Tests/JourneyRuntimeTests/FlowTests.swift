import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("Flow: webhook, goto, exit, end, next, step budget")
struct FlowTests {
    @Test func aWebhookIsRecordedAndDeliveredThroughTheWebhookChannel() {
        let hook = Webhook(url: "https://crm.example.com/leads", method: "PUT", headers: ["X-Key": "k"], body: .template("lead_body"))
        let json = Webhook(url: "https://crm.example.com/tags", body: .json(["tag": "{{profile.plan}}"]))
        var h = Harness(journey(steps: [step("crm", .webhook(hook)), step("tag", .webhook(json))]))
        h.event("signup", at: minutes(2))
        #expect(h.log == [
            "+2m j#1 enter crm",
            "+2m j#1 webhook crm ch=webhook tpl=lead_body",
            "+2m j#1 webhook tag ch=webhook",
            "+2m j#1 exit tag why=completed",
        ])
        #expect(h.deliveries.map(\.kind) == [.webhook, .webhook])
        #expect(h.deliveries.map(\.channel) == ["webhook", "webhook"])
        #expect(h.deliveries.map(\.webhook) == [hook, json])
        #expect(h.deliveries.map(\.idempotencyKey) == ["j/1/crm/1/c1", "j/1/tag/1/c1"])
    }

    @Test func webhooksAreNotHeldByQuietHoursNorCountedByTheFrequencyCap() {
        let limits = Limits(frequencyCap: FrequencyCap(max: 1, per: duration("1d")), quietHours: QuietHours(from: clock("00:00"), to: clock("23:59")))
        var h = Harness(journey(limits: limits, steps: [
            step("one", .webhook(Webhook(url: "https://a.example"))),
            step("two", .webhook(Webhook(url: "https://b.example"))),
        ]))
        h.event("signup", at: 0)
        #expect(h.log == ["+0 j#1 enter one", "+0 j#1 webhook one ch=webhook", "+0 j#1 webhook two ch=webhook", "+0 j#1 exit two why=completed"])
    }

    @Test func gotoJumpsAndNextOverridesTheFollowingStep() {
        var h = Harness(journey(steps: [
            step("start", .goto(.step("third"))),
            step("second", .email("second")),
            step("third", .email("third"), next: .step("fifth")),
            step("fourth", .email("fourth")),
            step("fifth", .email("fifth")),
        ]))
        h.event("signup", at: 0)
        #expect(h.log == [
            "+0 j#1 enter start",
            "+0 j#1 send third ch=email tpl=third",
            "+0 j#1 send fifth ch=email tpl=fifth",
            "+0 j#1 exit fifth why=completed",
        ])
    }

    @Test func nextEndAndGotoEndCompleteTheRun() {
        var viaNext = Harness(journey(steps: [step("one", .email("one"), next: .end), step("two", .email("two"))]))
        viaNext.event("signup", at: 0)
        var viaGoto = Harness(journey(steps: [step("one", .goto(.end)), step("two", .email("two"))]))
        viaGoto.event("signup", at: 0)
        #expect(viaNext.log == ["+0 j#1 enter one", "+0 j#1 send one ch=email tpl=one", "+0 j#1 exit one why=completed"])
        #expect(viaGoto.log == ["+0 j#1 enter one", "+0 j#1 exit one why=completed"])
    }

    @Test func theLastStepEndsTheRunWithCompletedAndRemembersWhen() {
        var h = Harness(journey(steps: [step("nap", .pause("2h"))]))
        h.event("signup", at: 0)
        h.advance(to: hours(2))
        #expect(h.log == ["+0 j#1 enter nap", "+2h j#1 exit nap why=completed"])
        #expect(h.state.runs.isEmpty)
        #expect(h.state.history["j"]?.lastEndedAt == Fixture.monday9.addingTimeInterval(hours(2)))
    }

    @Test func anExitStepEndsTheRunWithItsReason() {
        var h = Harness(journey(steps: [
            step("check", .branch(Branch(cases: [.init(condition: expr("profile.age < 18"), target: .step("minor"))], otherwise: .step("hello")))),
            step("minor", .exit(reason: "not_eligible")),
            step("hello", .email("hello")),
        ]), attributes: ["age": 15])
        h.event("signup", at: 0)
        #expect(h.log == ["+0 j#1 enter check", "+0 j#1 exit minor why=not_eligible"])
        #expect(h.deliveries.isEmpty)
    }

    @Test func aCycleWithoutAWaitIsStoppedByTheStepBudget() {
        let spin = journey(steps: [
            step("count", .update(ProfileUpdate(increment: [.init(path: ["loops"], value: expr("1"))]))),
            step("again", .goto(.step("count"))),
        ])
        var h = Harness(spin, maximumSteps: 10)
        h.event("signup", at: 0)
        #expect(h.state.profile["loops"] == 5)
        #expect(h.log.count == 7)
        #expect(h.log.first == "+0 j#1 enter count")
        #expect(h.log.last == "+0 j#1 exit again why=error: too many steps without a wait")
        #expect(h.state.runs.isEmpty)
    }

    @Test func theStepBudgetIsPerInputSoPausingRunsAreNotAffected() {
        let long = journey(steps: (0..<6).map { step("s\($0)", .setting("s\($0)", to: "true")) } + [step("nap", .pause("1h"))]
            + (6..<12).map { step("s\($0)", .setting("s\($0)", to: "true")) })
        var h = Harness(long, maximumSteps: 7)
        h.event("signup", at: 0)
        h.advance(to: hours(1))
        #expect(h.log.last == "+1h j#1 exit s11 why=completed")
        #expect(h.state.profile["s11"] == true)
    }
}
