import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("wait: a timer at now + duration")
struct WaitTests {
    @Test func aWaitSetsOneTimerAtNowPlusTheDurationAndResumesWhenItFires() {
        var h = Harness(journey(steps: [step("nap", .pause("2h")), step("hello", .email("hello"))]))
        let effects = h.event("signup", at: minutes(7))
        let requests = effects.compactMap(\.timerRequest)
        #expect(requests.map(\.due) == [Fixture.monday9.addingTimeInterval(minutes(7) + hours(2))])
        #expect(requests.first?.customerID == "c1")
        #expect(requests.first?.journeyID == "j")
        #expect(h.run()?.waiting?.reason == .delay)
        h.advance(to: minutes(7) + hours(2) - seconds(1))
        #expect(h.log == ["+7m j#1 enter nap"])
        h.advance(to: minutes(7) + hours(2))
        #expect(h.log == ["+7m j#1 enter nap", "+2h7m j#1 send hello ch=email tpl=hello", "+2h7m j#1 exit hello why=completed"])
    }

    @Test func aDayIsTwentyFourHoursEvenAcrossADaylightSavingChange() {
        let start = Fixture.instant("2024-03-09T12:00:00Z")
        var h = Harness(journey(timezone: "America/New_York", steps: [step("nap", .pause("1d")), step("hello", .email("hello"))]),
                        attributes: ["timezone": "America/New_York"], start: start)
        h.event("signup", at: 0)
        h.advance(to: days(2))
        #expect(h.utcLog[1] == "2024-03-10T12:00:00Z j#1 send hello ch=email tpl=hello")
    }
}

@Suite("wait_until: the next local time, in the journey's or the customer's zone")
struct WaitUntilTests {
    static func atTen(zone: String = "UTC", weekdays: Set<Weekday>? = nil) -> JourneyDefinition {
        journey(timezone: zone, steps: [step("morning", .until("10:00", on: weekdays)), step("hello", .email("hello"))])
    }

    static func sendTime(_ definition: JourneyDefinition, enteringAt start: String, attributes: [String: JSONValue] = [:]) -> String? {
        var h = Harness(definition, attributes: attributes, start: Fixture.instant(start))
        h.event("signup", at: 0)
        h.advance(to: days(9))
        return h.actions.first { $0.action == .send }.map { Timestamp.format($0.time) }
    }

    @Test func laterTodayInTheJourneyZone() {
        // 09:00 in Shanghai is 01:00Z; 10:00 there is 02:00Z.
        #expect(Self.sendTime(Self.atTen(zone: "Asia/Shanghai"), enteringAt: "2024-03-04T01:00:00Z") == "2024-03-04T02:00:00Z")
    }

    @Test func tomorrowWhenTheTimeHasPassedInTheJourneyZone() {
        // 09:00Z is 17:00 in Shanghai: the next 10:00 there is the next morning, 02:00Z.
        #expect(Self.sendTime(Self.atTen(zone: "Asia/Shanghai"), enteringAt: "2024-03-04T09:00:00Z") == "2024-03-05T02:00:00Z")
    }

    @Test func exactlyNowDoesNotWait() {
        var h = Harness(Self.atTen(zone: "Asia/Shanghai"), start: Fixture.instant("2024-03-04T02:00:00Z"))
        let effects = h.event("signup", at: 0)
        #expect(effects.compactMap(\.timerRequest).isEmpty)
        #expect(h.utcLog == [
            "2024-03-04T02:00:00Z j#1 enter morning",
            "2024-03-04T02:00:00Z j#1 send hello ch=email tpl=hello",
            "2024-03-04T02:00:00Z j#1 exit hello why=completed",
        ])
    }

    @Test func aSecondPastTheTimeWaitsForTheNextDay() {
        #expect(Self.sendTime(Self.atTen(), enteringAt: "2024-03-04T10:00:01Z") == "2024-03-05T10:00:00Z")
    }

    @Test func theCustomersTimezoneAttributeOverridesTheJourneyZone() {
        // 09:00Z is 04:00 in New York (EST, -5): 10:00 there is 15:00Z the same day.
        let definition = Self.atTen(zone: "Asia/Shanghai")
        #expect(Self.sendTime(definition, enteringAt: "2024-03-04T09:00:00Z", attributes: ["timezone": "America/New_York"])
            == "2024-03-04T15:00:00Z")
    }

    @Test func anUnknownCustomerTimezoneFallsBackToTheJourneyZone() {
        #expect(Self.sendTime(Self.atTen(zone: "Asia/Shanghai"), enteringAt: "2024-03-04T01:00:00Z", attributes: ["timezone": "Mars/Olympus"])
            == "2024-03-04T02:00:00Z")
    }

    @Test func acrossSpringForwardInTheCustomersZone() {
        // Saturday 15:00 EST; Sunday 10 March 2024 10:00 is EDT (-4): 14:00Z, not 15:00Z.
        #expect(Self.sendTime(Self.atTen(), enteringAt: "2024-03-09T20:00:00Z", attributes: ["timezone": "America/New_York"])
            == "2024-03-10T14:00:00Z")
    }

    @Test func weekdaysSkipToTheNextAllowedDay() {
        // Monday 09:00Z: the next Saturday 10:00 UTC.
        #expect(Self.sendTime(Self.atTen(weekdays: [.sat]), enteringAt: "2024-03-04T09:00:00Z") == "2024-03-09T10:00:00Z")
        // Monday 09:00Z on a Monday-only wait: today.
        #expect(Self.sendTime(Self.atTen(weekdays: [.mon]), enteringAt: "2024-03-04T09:00:00Z") == "2024-03-04T10:00:00Z")
        // Monday 11:00Z on a Monday-only wait: a week later.
        #expect(Self.sendTime(Self.atTen(weekdays: [.mon]), enteringAt: "2024-03-04T11:00:00Z") == "2024-03-11T10:00:00Z")
        // Friday 11:00Z on weekdays: Monday.
        #expect(Self.sendTime(Self.atTen(weekdays: [.mon, .tue, .wed, .thu, .fri]), enteringAt: "2024-03-08T11:00:00Z")
            == "2024-03-11T10:00:00Z")
    }

    @Test func weekdaysAreTheCustomersLocalWeekdays() {
        // Monday 09:00Z is already Monday 22:00 in Auckland (NZDT, +13): Tuesday 10:00 there is Monday 21:00Z.
        #expect(Self.sendTime(Self.atTen(weekdays: [.tue]), enteringAt: "2024-03-04T09:00:00Z", attributes: ["timezone": "Pacific/Auckland"])
            == "2024-03-04T21:00:00Z")
        // The same run in UTC waits for Tuesday 10:00Z.
        #expect(Self.sendTime(Self.atTen(weekdays: [.tue]), enteringAt: "2024-03-04T09:00:00Z") == "2024-03-05T10:00:00Z")
    }
}
