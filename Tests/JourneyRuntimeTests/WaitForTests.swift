import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("wait_for: matched or timed out, and stale timers")
struct WaitForTests {
    static let grace = journey(steps: [
        step("grace", .await("purchase", timeout: "1h", where: "event.value > 0", onEvent: .step("thanks"), onTimeout: .step("remind"))),
        step("remind", .email("remind"), next: .end),
        step("thanks", .email("thanks")),
    ])

    @Test func aMatchingEventGoesToOnEventAndCancelsTheTimeout() {
        var h = Harness(Self.grace)
        let armed = h.event("signup", at: 0).compactMap(\.timerRequest)
        #expect(armed.map(\.due) == [Fixture.monday9.addingTimeInterval(hours(1))])
        let effects = h.event("purchase", at: minutes(20), ["value": 12])
        #expect(effects.contains(.cancelTimer(token: armed[0].token)))
        #expect(h.log == [
            "+0 j#1 enter grace",
            "+20m j#1 send thanks ch=email tpl=thanks",
            "+20m j#1 exit thanks why=completed",
        ])
        #expect(h.pendingTimers.isEmpty)
    }

    @Test func theTimeoutGoesToOnTimeout() {
        var h = Harness(Self.grace)
        h.event("signup", at: 0)
        h.advance(to: hours(1))
        #expect(h.log == ["+0 j#1 enter grace", "+1h j#1 send remind ch=email tpl=remind", "+1h j#1 exit remind why=completed"])
    }

    @Test func anEventThatFailsWhereOrHasAnotherNameKeepsWaiting() {
        var h = Harness(Self.grace)
        h.event("signup", at: 0)
        h.event("purchase", at: minutes(5), ["value": 0])
        h.event("browse", at: minutes(6), ["value": 3])
        #expect(h.run()?.stepID == "grace")
        #expect(h.run()?.waiting?.reason == .event)
        h.advance(to: hours(2))
        #expect(h.log[1] == "+1h j#1 send remind ch=email tpl=remind")
    }

    @Test func bothTargetsDefaultToTheNextStep() {
        let plain = journey(steps: [step("grace", .await("purchase", timeout: "1h")), step("after", .email("after"))])
        var matched = Harness(plain)
        matched.event("signup", at: 0)
        matched.event("purchase", at: minutes(30))
        var timedOut = Harness(plain)
        timedOut.event("signup", at: 0)
        timedOut.advance(to: hours(1))
        #expect(matched.log[1] == "+30m j#1 send after ch=email tpl=after")
        #expect(timedOut.log[1] == "+1h j#1 send after ch=email tpl=after")
    }

    @Test func theMatchedEventIsWhatLaterStepsSeeAsEvent() {
        let definition = journey(steps: [
            step("grace", .await("purchase", timeout: "1h")),
            step("route", .branch(Branch(cases: [.init(condition: expr("event.sku == 'X1' and event.name == 'purchase'"), target: .step("x1"))],
                                         otherwise: .end))),
            step("x1", .setting("last_sku", to: "event.sku")),
        ])
        var h = Harness(definition)
        h.event("signup", at: 0, ["sku": "nope"])
        h.event("purchase", at: minutes(1), ["sku": "X1"])
        #expect(h.log == ["+0 j#1 enter grace", "+1m j#1 update x1", "+1m j#1 exit x1 why=completed"])
        #expect(h.state.profile["last_sku"] == "X1")
    }

    @Test func aStaleTimeoutAfterAMatchIsIgnored() {
        var h = Harness(journey(steps: [
            step("grace", .await("purchase", timeout: "1h")),
            step("later", .await("purchase", timeout: "1d")),
            step("done", .email("done")),
        ]))
        h.event("signup", at: 0)
        let first = h.run()!.waiting!.token
        h.event("purchase", at: minutes(10))
        let second = h.run()!.waiting!.token
        #expect(second > first)
        let before = h.state
        #expect(h.fire(token: first, at: hours(1)).isEmpty)
        #expect(h.state == before)
        #expect(h.run()?.stepID == "later")
        h.advance(to: minutes(10) + days(1))
        #expect(h.log.last == "+1d10m j#1 exit done why=completed")
    }

    @Test func aTimerForAnEndedRunOrAnUnknownTokenIsIgnored() {
        var h = Harness(journey(exits: [EventCriterion(event: "stop")], steps: [step("grace", .await("purchase", timeout: "1h"))]))
        h.event("signup", at: 0)
        let token = h.run()!.waiting!.token
        h.event("stop", at: minutes(1))
        #expect(h.fire(token: token, at: hours(1)).isEmpty)
        #expect(h.fire(token: 9_999, at: hours(2)).isEmpty)
        #expect(h.log == ["+0 j#1 enter grace", "+1m j#1 exit grace why=exit_event"])
    }

    @Test func aReplayedFiringOfAnAlreadyFiredTimerIsIgnored() {
        var h = Harness(journey(steps: [step("nap", .pause("1h")), step("grace", .await("purchase", timeout: "1d"))]))
        h.event("signup", at: 0)
        let nap = h.run()!.waiting!.token
        h.advance(to: hours(1))
        #expect(h.fire(token: nap, at: hours(2)).isEmpty)
        #expect(h.run()?.stepID == "grace")
        #expect(h.log == ["+0 j#1 enter nap"])
    }
}
