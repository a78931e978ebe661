import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("quiet hours: sends wait, with their run, until the window ends")
struct QuietHoursTests {
    static func quiet(_ from: String = "21:00", _ to: String = "08:00", timezone: String = "UTC", steps: [Step]? = nil) -> JourneyDefinition {
        journey(timezone: timezone, limits: Limits(quietHours: QuietHours(from: clock(from), to: clock(to))), steps: steps ?? [
            step("remind", .email("remind")),
            step("nap", .pause("1h")),
            step("follow", .email("follow")),
        ])
    }

    /// When the first send of a run entered at `instant` goes out, in UTC.
    static func firstSend(_ definition: JourneyDefinition, enteringAt instant: String, attributes: [String: JSONValue] = [:]) -> String? {
        var h = Harness(definition, attributes: attributes, start: Fixture.instant(instant))
        h.event("signup", at: 0)
        h.advance(to: days(2))
        return h.actions.first { $0.action == .send }.map { Timestamp.format($0.time) }
    }

    @Test func aSendInsideTheWindowWaitsUntilItsEndAndTheRunResumesThere() {
        var h = Harness(Self.quiet(), start: Fixture.instant("2024-03-04T22:00:00Z"))
        let armed = h.event("signup", at: 0).compactMap(\.timerRequest)
        #expect(armed.map(\.due) == [Fixture.instant("2024-03-05T08:00:00Z")])
        #expect(h.run()?.waiting?.reason == .quietHours)
        #expect(h.run()?.stepID == "remind")
        h.advance(to: days(1))
        #expect(h.utcLog == [
            "2024-03-04T22:00:00Z j#1 enter remind",
            "2024-03-05T08:00:00Z j#1 send remind ch=email tpl=remind",
            "2024-03-05T09:00:00Z j#1 send follow ch=email tpl=follow",
            "2024-03-05T09:00:00Z j#1 exit follow why=completed",
        ])
    }

    @Test func theDelayedSendKeepsItsVisitAndIdempotencyKey() {
        var h = Harness(Self.quiet(), start: Fixture.instant("2024-03-04T22:00:00Z"))
        h.event("signup", at: 0)
        h.advance(to: days(1))
        let remind = h.deliveries.first
        #expect(remind?.idempotencyKey == "j/1/remind/1/c1")
        #expect(remind?.visit == 1)
        #expect(remind?.time == Fixture.instant("2024-03-05T08:00:00Z"))
        #expect(h.run() == nil)
    }

    @Test func theWindowIncludesFromAndExcludesTo() {
        #expect(Self.firstSend(Self.quiet(), enteringAt: "2024-03-04T21:00:00Z") == "2024-03-05T08:00:00Z")
        #expect(Self.firstSend(Self.quiet(), enteringAt: "2024-03-04T20:59:59Z") == "2024-03-04T20:59:59Z")
        #expect(Self.firstSend(Self.quiet(), enteringAt: "2024-03-05T07:59:00Z") == "2024-03-05T08:00:00Z")
        #expect(Self.firstSend(Self.quiet(), enteringAt: "2024-03-05T08:00:00Z") == "2024-03-05T08:00:00Z")
        #expect(Self.firstSend(Self.quiet(), enteringAt: "2024-03-05T02:00:00Z") == "2024-03-05T08:00:00Z")
    }

    @Test func aWindowWithinOneDay() {
        #expect(Self.firstSend(Self.quiet("12:00", "14:00"), enteringAt: "2024-03-04T13:00:00Z") == "2024-03-04T14:00:00Z")
        #expect(Self.firstSend(Self.quiet("12:00", "14:00"), enteringAt: "2024-03-04T22:00:00Z") == "2024-03-04T22:00:00Z")
    }

    @Test func theWindowIsInTheCustomersZone() {
        // 14:00Z is 22:00 in Shanghai: quiet there until 08:00 local, 00:00Z.
        #expect(Self.firstSend(Self.quiet(), enteringAt: "2024-03-04T14:00:00Z", attributes: ["timezone": "Asia/Shanghai"])
            == "2024-03-05T00:00:00Z")
        // The journey's zone when the customer has none.
        #expect(Self.firstSend(Self.quiet(timezone: "Asia/Shanghai"), enteringAt: "2024-03-04T14:00:00Z") == "2024-03-05T00:00:00Z")
        // 22:00Z is 17:00 in New York: not quiet for that customer.
        #expect(Self.firstSend(Self.quiet(), enteringAt: "2024-03-04T22:00:00Z", attributes: ["timezone": "America/New_York"])
            == "2024-03-04T22:00:00Z")
    }

    @Test func acrossSpringForwardTheRunResumesAtToLocalTimeWithTheSameKey() {
        // Saturday 9 March 2024 22:30 EST (03:30Z); Sunday 08:00 is EDT (-4): 12:00Z, 8.5 real hours later.
        var h = Harness(Self.quiet(), attributes: ["timezone": "America/New_York"], start: Fixture.instant("2024-03-10T03:30:00Z"))
        h.event("signup", at: 0)
        #expect(h.pendingTimers == [hours(8.5)])
        h.advance(to: days(1))
        #expect(h.utcLog.prefix(3) == [
            "2024-03-10T03:30:00Z j#1 enter remind",
            "2024-03-10T12:00:00Z j#1 send remind ch=email tpl=remind",
            "2024-03-10T13:00:00Z j#1 send follow ch=email tpl=follow",
        ])
        #expect(h.deliveries.first?.idempotencyKey == "j/1/remind/1/c1")
    }

    @Test func acrossFallBackTheRunResumesAtToLocalTime() {
        // Saturday 2 November 2024 23:00 EDT (03:00Z); Sunday 08:00 is EST (-5): 13:00Z.
        #expect(Self.firstSend(Self.quiet(), enteringAt: "2024-11-03T03:00:00Z", attributes: ["timezone": "America/New_York"])
            == "2024-11-03T13:00:00Z")
    }

    @Test func everyVisitOfASendStepHasItsOwnKeyAndADelayedVisitKeepsIt() {
        let loop = Self.quiet(steps: [
            step("remind", .email("remind")),
            step("nap", .pause("12h")),
            step("again", .goto(.step("remind"))),
        ])
        var h = Harness(loop, start: Fixture.instant("2024-03-04T10:00:00Z"))
        h.event("signup", at: 0)
        h.advance(to: days(2) - hours(2))
        #expect(h.deliveries.map { "\(Timestamp.format($0.time)) \($0.idempotencyKey)" } == [
            "2024-03-04T10:00:00Z j/1/remind/1/c1",
            "2024-03-05T08:00:00Z j/1/remind/2/c1",
            "2024-03-05T20:00:00Z j/1/remind/3/c1",
            "2024-03-06T08:00:00Z j/1/remind/4/c1",
        ])
    }

    @Test func anExitDuringTheQuietWaitCancelsTheDelayedSend() {
        var h = Harness(journey(exits: [EventCriterion(event: "stop")], limits: Self.quiet().limits, steps: Self.quiet().steps),
                        start: Fixture.instant("2024-03-04T22:00:00Z"))
        h.event("signup", at: 0)
        let token = h.run()!.waiting!.token
        let effects = h.event("stop", at: hours(1))
        #expect(effects.contains(.cancelTimer(token: token)))
        #expect(h.fire(token: token, at: hours(10)).isEmpty)
        #expect(h.deliveries.isEmpty)
        #expect(h.log == ["+0 j#1 enter remind", "+1h j#1 exit remind why=exit_event"])
    }
}
