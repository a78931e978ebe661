import Foundation
import Testing
@testable import JourneyModel

@Suite("ZonedCalendar")
struct ZonedCalendarTests {
    private let weekdays: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri]

    // MARK: Local components

    @Test func localComponentsAroundTransitions() {
        let ny = TimeFixture.newYork
        let beforeGap = ZonedCalendar.localComponents(of: TimeFixture.instant("2024-03-10T06:59:59Z"), in: ny)
        #expect(beforeGap == .init(year: 2024, month: 3, day: 10, hour: 1, minute: 59, second: 59, weekday: .sun))
        let afterGap = ZonedCalendar.localComponents(of: TimeFixture.instant("2024-03-10T07:00:00Z"), in: ny)
        #expect(afterGap == .init(year: 2024, month: 3, day: 10, hour: 3, minute: 0, second: 0, weekday: .sun))
        let leapDay = ZonedCalendar.localComponents(of: TimeFixture.instant("2024-02-29T20:30:15.75Z"), in: TimeFixture.shanghai)
        #expect(leapDay == .init(year: 2024, month: 3, day: 1, hour: 4, minute: 30, second: 15, weekday: .fri))
        let beforeEpoch = ZonedCalendar.localComponents(of: TimeFixture.instant("1969-12-31T23:59:59.5Z"), in: TimeFixture.utc)
        #expect(beforeEpoch == .init(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, weekday: .wed))
        #expect(beforeEpoch.localTime == LocalTime(hour: 23, minute: 59))
    }

    @Test(arguments: ["UTC", "America/New_York", "Europe/Berlin", "Asia/Shanghai", "Australia/Lord_Howe", "Asia/Kolkata"])
    func localComponentsAgreeWithFoundation(zoneID: String) {
        let zone = TimeFixture.zone(zoneID)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        // Every 97h 7m 13s from 1950 to 2050: every hour of the day, every weekday, many transitions.
        var seconds = -631_152_000.0
        while seconds < 2_524_608_000 {
            let date = Date(timeIntervalSince1970: seconds)
            let ours = ZonedCalendar.localComponents(of: date, in: zone)
            let theirs = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
            let same = ours.year == theirs.year && ours.month == theirs.month && ours.day == theirs.day
                && ours.hour == theirs.hour && ours.minute == theirs.minute && ours.second == theirs.second
                && ours.weekday == Weekday(gregorianWeekday: theirs.weekday!)
            if !same {
                Issue.record("\(zoneID) at \(seconds): \(ours) vs \(theirs)")
                return
            }
            seconds += 349_633
        }
    }

    // MARK: Local → instant

    @Test(arguments: [
        ("America/New_York", 2024, 3, 10, 2, 30, "2024-03-10T07:00:00Z"),  // gap: end of the gap
        ("America/New_York", 2024, 3, 10, 3, 0, "2024-03-10T07:00:00Z"),
        ("America/New_York", 2024, 3, 10, 1, 59, "2024-03-10T06:59:00Z"),
        ("America/New_York", 2024, 11, 3, 1, 30, "2024-11-03T05:30:00Z"),  // repeated: first occurrence
        ("America/New_York", 2024, 11, 3, 2, 0, "2024-11-03T07:00:00Z"),
        ("Europe/Berlin", 2024, 3, 31, 2, 30, "2024-03-31T01:00:00Z"),
        ("Europe/Berlin", 2024, 10, 27, 2, 30, "2024-10-27T00:30:00Z"),
        ("Asia/Shanghai", 2024, 3, 8, 10, 0, "2024-03-08T02:00:00Z"),
        ("Australia/Lord_Howe", 2024, 10, 6, 2, 15, "2024-10-05T15:30:00Z"),  // a 30-minute gap
        ("Pacific/Apia", 2011, 12, 30, 12, 0, "2011-12-30T10:00:00Z"),  // a whole day skipped
        ("UTC", 2024, 1, 32, 0, 0, "2024-02-01T00:00:00Z"),  // fields roll over
        ("UTC", 2024, 13, 1, 24, 0, "2025-01-02T00:00:00Z"),
    ] as [(String, Int, Int, Int, Int, Int, String)])
    func resolvesLocalTimes(zoneID: String, year: Int, month: Int, day: Int, hour: Int, minute: Int, expected: String) {
        let date = ZonedCalendar.instant(
            localYear: year, month: month, day: day, hour: hour, minute: minute, second: 0, in: TimeFixture.zone(zoneID)
        )
        #expect(date == TimeFixture.instant(expected))
    }

    // MARK: Zone names

    @Test(arguments: ["UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
    func acceptsIANAZones(name: String) throws {
        let zone = try #require(ZonedCalendar.zone(named: name))
        #expect(name == "UTC" ? zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0 : zone.identifier == name)
    }

    /// `Etc/UTC` is the canonical IANA name of UTC (the zone many containers report); the
    /// zero-offset `Etc` names are UTC, while `Etc/GMT+8` and the like stay offsets, rejected.
    @Test(arguments: ["Etc/UTC", "Etc/GMT", "Etc/Universal", "Etc/Zulu"])
    func acceptsTheUTCNamesOfTheEtcArea(name: String) throws {
        let zone = try #require(ZonedCalendar.zone(named: name))
        #expect(zone.secondsFromGMT(for: Date(timeIntervalSince1970: 1_720_000_000)) == 0)
    }

    @Test(arguments: ["", "PST", "EST5EDT ", "GMT+8", "UTC+8", "utc", "asia/shanghai", "Asia/Shanghai ", "Mars/Olympus", "+08:00", "Etc/GMT+8", "Etc/GMT-14", "etc/utc"])
    func rejectsOtherZoneNames(name: String) {
        #expect(ZonedCalendar.zone(named: name) == nil)
    }

    // MARK: wait_until

    @Test func waitUntilSkipsTheWeekend() {
        let ny = TimeFixture.newYork
        let ten = LocalTime(hour: 10, minute: 0)
        // Friday 2024-03-15 15:00 EDT → Monday 10:00 EDT.
        #expect(ZonedCalendar.nextOccurrence(of: ten, weekdays: weekdays, onOrAfter: TimeFixture.instant("2024-03-15T19:00:00Z"), in: ny)
            == TimeFixture.instant("2024-03-18T14:00:00Z"))
        // Saturday morning, before 10:00, still waits for Monday.
        #expect(ZonedCalendar.nextOccurrence(of: ten, weekdays: weekdays, onOrAfter: TimeFixture.instant("2024-03-16T13:00:00Z"), in: ny)
            == TimeFixture.instant("2024-03-18T14:00:00Z"))
        // Across the spring-forward weekend the offset changes: Friday 10:00 EST, Monday 10:00 EDT.
        #expect(ZonedCalendar.nextOccurrence(of: ten, weekdays: weekdays, onOrAfter: TimeFixture.instant("2024-03-08T16:00:00Z"), in: ny)
            == TimeFixture.instant("2024-03-11T14:00:00Z"))
        // No weekday list (or an empty one): the same day if the time is still ahead.
        #expect(ZonedCalendar.nextOccurrence(of: ten, weekdays: nil, onOrAfter: TimeFixture.instant("2024-03-16T13:00:00Z"), in: ny)
            == TimeFixture.instant("2024-03-16T14:00:00Z"))
        #expect(ZonedCalendar.nextOccurrence(of: ten, weekdays: [], onOrAfter: TimeFixture.instant("2024-03-16T13:00:00Z"), in: ny)
            == TimeFixture.instant("2024-03-16T14:00:00Z"))
    }

    @Test func waitUntilExactlyNowIsNow() {
        let ny = TimeFixture.newYork
        let ten = LocalTime(hour: 10, minute: 0)
        let monday = TimeFixture.instant("2024-03-18T14:00:00Z")
        #expect(ZonedCalendar.nextOccurrence(of: ten, weekdays: weekdays, onOrAfter: monday, in: ny) == monday)
        #expect(ZonedCalendar.nextOccurrence(of: ten, weekdays: weekdays, onOrAfter: monday.addingTimeInterval(0.5), in: ny)
            == TimeFixture.instant("2024-03-19T14:00:00Z"))
    }

    @Test func waitUntilAcrossTransitions() {
        let ny = TimeFixture.newYork
        let half2 = LocalTime(hour: 2, minute: 30)
        let half1 = LocalTime(hour: 1, minute: 30)
        #expect(ZonedCalendar.nextOccurrence(of: half2, weekdays: [.sun], onOrAfter: TimeFixture.instant("2024-03-10T05:00:00Z"), in: ny)
            == TimeFixture.instant("2024-03-10T07:00:00Z"))
        #expect(ZonedCalendar.nextOccurrence(of: half1, weekdays: nil, onOrAfter: TimeFixture.instant("2024-11-03T04:00:00Z"), in: ny)
            == TimeFixture.instant("2024-11-03T05:30:00Z"))
        // Waiting from inside the repeated hour, after the first 01:30: tomorrow.
        #expect(ZonedCalendar.nextOccurrence(of: half1, weekdays: nil, onOrAfter: TimeFixture.instant("2024-11-03T06:10:00Z"), in: ny)
            == TimeFixture.instant("2024-11-04T06:30:00Z"))
    }

    // MARK: Quiet hours

    @Test(arguments: [
        // 21:00–08:00 in New York over the spring-forward night (Sat 9 → Sun 10 March 2024).
        ("2024-03-10T01:59:59Z", nil),                     // 20:59:59 EST: before the window
        ("2024-03-10T02:00:00Z", "2024-03-10T12:00:00Z"),  // 21:00 EST: `from` is inside; ends 08:00 EDT
        ("2024-03-10T06:30:00Z", "2024-03-10T12:00:00Z"),  // 01:30 EST
        ("2024-03-10T11:59:00Z", "2024-03-10T12:00:00Z"),  // 07:59 EDT
        ("2024-03-10T12:00:00Z", nil),                     // 08:00 EDT: `to` is outside
        // Over the fall-back night (Sat 2 → Sun 3 November 2024).
        ("2024-11-03T01:00:00Z", "2024-11-03T13:00:00Z"),  // 21:00 EDT → 08:00 EST
        ("2024-11-03T06:30:00Z", "2024-11-03T13:00:00Z"),  // 01:30 EST, second pass
    ] as [(String, String?)])
    func quietHoursAcrossMidnight(at: String, end: String?) {
        let result = ZonedCalendar.quietHoursEnd(
            from: LocalTime(hour: 21, minute: 0), to: LocalTime(hour: 8, minute: 0),
            at: TimeFixture.instant(at), in: TimeFixture.newYork
        )
        #expect(result == end.map(TimeFixture.instant))
    }

    @Test func quietHoursWithinADayAndEmptyWindows() {
        let noon = LocalTime(hour: 12, minute: 0)
        let two = LocalTime(hour: 14, minute: 0)
        let utc = TimeFixture.utc
        #expect(ZonedCalendar.quietHoursEnd(from: noon, to: two, at: TimeFixture.instant("2024-05-01T13:15:00Z"), in: utc)
            == TimeFixture.instant("2024-05-01T14:00:00Z"))
        #expect(ZonedCalendar.quietHoursEnd(from: noon, to: two, at: TimeFixture.instant("2024-05-01T11:59:59Z"), in: utc) == nil)
        #expect(ZonedCalendar.quietHoursEnd(from: noon, to: two, at: TimeFixture.instant("2024-05-01T23:00:00Z"), in: utc) == nil)
        #expect(ZonedCalendar.quietHoursEnd(from: noon, to: noon, at: TimeFixture.instant("2024-05-01T12:00:00Z"), in: utc) == nil)
    }

    @Test func quietHoursEndingInsideATransition() {
        let ny = TimeFixture.newYork
        let midnight = LocalTime(hour: 0, minute: 0)
        // `to` skipped by spring forward: the window ends with the gap.
        #expect(ZonedCalendar.quietHoursEnd(from: midnight, to: LocalTime(hour: 2, minute: 30), at: TimeFixture.instant("2024-03-10T06:30:00Z"), in: ny)
            == TimeFixture.instant("2024-03-10T07:00:00Z"))
        // `to` repeated by fall back: whichever 01:30 comes next.
        let half1 = LocalTime(hour: 1, minute: 30)
        #expect(ZonedCalendar.quietHoursEnd(from: midnight, to: half1, at: TimeFixture.instant("2024-11-03T05:10:00Z"), in: ny)
            == TimeFixture.instant("2024-11-03T05:30:00Z"))
        #expect(ZonedCalendar.quietHoursEnd(from: midnight, to: half1, at: TimeFixture.instant("2024-11-03T06:10:00Z"), in: ny)
            == TimeFixture.instant("2024-11-03T06:30:00Z"))
    }
}
