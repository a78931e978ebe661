import Foundation
import Testing
@testable import JourneyModel

@Suite("CronSchedule next fire")
struct CronScheduleNextFireTests {
    private func next(_ cron: String, after: String, in zone: TimeZone = TimeFixture.utc) throws -> Date? {
        try CronSchedule.parse(cron).nextFire(after: TimeFixture.instant(after), in: zone)
    }

    private func fires(_ cron: String, after: String, in zone: TimeZone = TimeFixture.utc) throws -> Date {
        try #require(try next(cron, after: after, in: zone))
    }

    @Test(arguments: [
        ("*/15 * * * *", "2024-01-01T00:07:30Z", "2024-01-01T00:15:00Z"),
        ("*/15 * * * *", "2024-01-01T00:15:00Z", "2024-01-01T00:30:00Z"),
        ("*/15 * * * *", "2024-01-01T23:59:59Z", "2024-01-02T00:00:00Z"),
        ("* * * * *", "2024-01-01T00:00:00.5Z", "2024-01-01T00:01:00Z"),
        ("0 9 * * *", "2024-01-01T09:00:00Z", "2024-01-02T09:00:00Z"),
        ("30 9 * * mon-fri", "2024-03-15T10:00:00Z", "2024-03-18T09:30:00Z"),
        ("0 0 1 1 *", "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        ("0 12 31 * *", "2024-04-01T00:00:00Z", "2024-05-31T12:00:00Z"),
        ("0 0 30 * *", "2024-01-31T00:00:00Z", "2024-03-30T00:00:00Z"),
        ("59 23 31 12 *", "2024-12-31T23:58:00Z", "2024-12-31T23:59:00Z"),
        ("0 0 * * 7", "2024-03-11T00:00:00Z", "2024-03-17T00:00:00Z"),
    ])
    func ordinarySchedules(cron: String, after: String, expected: String) throws {
        #expect(try fires(cron, after: after) == TimeFixture.instant(expected))
    }

    @Test func tenOnTheEighthInShanghai() throws {
        let zone = TimeFixture.shanghai
        #expect(try fires("0 10 8 * *", after: "2024-03-13T00:00:00Z", in: zone) == TimeFixture.instant("2024-04-08T02:00:00Z"))
        #expect(try fires("0 10 8 * *", after: "2024-03-08T01:59:59Z", in: zone) == TimeFixture.instant("2024-03-08T02:00:00Z"))
        // Strictly after: firing at the same instant again would double-send.
        #expect(try fires("0 10 8 * *", after: "2024-03-08T02:00:00Z", in: zone) == TimeFixture.instant("2024-04-08T02:00:00Z"))
        // Late on the 7th UTC is already the 8th in Shanghai, after 10:00 there.
        #expect(try fires("0 10 8 * *", after: "2024-12-08T03:00:00Z", in: zone) == TimeFixture.instant("2025-01-08T02:00:00Z"))
    }

    @Test func restrictedDayFieldsMatchEither() throws {
        // The 13th or any Friday. 2024-03-08 and 03-15 are Fridays; 03-13 is a Wednesday.
        let cron = "0 0 13 * fri"
        #expect(try fires(cron, after: "2024-03-01T00:00:00Z") == TimeFixture.instant("2024-03-08T00:00:00Z"))
        #expect(try fires(cron, after: "2024-03-08T00:00:00Z") == TimeFixture.instant("2024-03-13T00:00:00Z"))
        #expect(try fires(cron, after: "2024-03-13T00:00:00Z") == TimeFixture.instant("2024-03-15T00:00:00Z"))
    }

    @Test func starPrefixedDayFieldMeansBothMustMatch() throws {
        // Days 1, 11, 21, 31 that are also Fridays: Feb 1, 11, 21 2024 are not; March 1 is.
        #expect(try fires("0 0 */10 * 5", after: "2024-01-31T00:00:00Z") == TimeFixture.instant("2024-03-01T00:00:00Z"))
        // Plain restricted day-of-month with `*` weekday: only the date counts.
        #expect(try fires("0 0 13 * *", after: "2024-03-01T00:00:00Z") == TimeFixture.instant("2024-03-13T00:00:00Z"))
    }

    @Test func leapDays() throws {
        #expect(try fires("0 0 29 2 *", after: "2023-01-01T00:00:00Z") == TimeFixture.instant("2024-02-29T00:00:00Z"))
        #expect(try fires("0 0 29 2 *", after: "2024-03-01T00:00:00Z") == TimeFixture.instant("2028-02-29T00:00:00Z"))
        // 2100 is not a leap year: eight years between leap days.
        #expect(try fires("0 0 29 2 *", after: "2096-03-01T00:00:00Z") == TimeFixture.instant("2104-02-29T00:00:00Z"))
        #expect(try fires("0 0 28 2 *", after: "2023-02-28T00:00:00Z") == TimeFixture.instant("2024-02-28T00:00:00Z"))
    }

    @Test func impossibleDatesNeverFire() throws {
        #expect(try next("0 0 31 2 *", after: "2024-01-01T00:00:00Z") == nil)
        #expect(try next("0 0 30 2 *", after: "2024-01-01T00:00:00Z") == nil)
        #expect(try next("0 0 31 4,6,9,11 *", after: "2024-01-01T00:00:00Z") == nil)
        #expect(try !CronSchedule.parse("0 0 31 2 *").canFire)
        #expect(try !CronSchedule.parse("0 0 31 4,6,9,11 *").canFire)
        #expect(try CronSchedule.parse("0 0 29 2 *").canFire)
        // Both day fields restricted: any Monday fires, even in February.
        #expect(try CronSchedule.parse("0 0 31 2 mon").canFire)
        #expect(try fires("0 0 31 2 mon", after: "2024-01-01T00:00:00Z") == TimeFixture.instant("2024-02-05T00:00:00Z"))
    }

    @Test func newYorkSpringForward() throws {
        // 2024-03-10: 02:00 EST jumps to 03:00 EDT at 07:00Z.
        let zone = TimeFixture.newYork
        #expect(try fires("30 2 * * *", after: "2024-03-10T05:00:00Z", in: zone) == TimeFixture.instant("2024-03-10T07:00:00Z"))
        #expect(try fires("30 2 * * *", after: "2024-03-10T07:00:00Z", in: zone) == TimeFixture.instant("2024-03-11T06:30:00Z"))
        #expect(try fires("0 3 * * *", after: "2024-03-10T05:00:00Z", in: zone) == TimeFixture.instant("2024-03-10T07:00:00Z"))
        // The skipped half-hours collapse into one firing at 03:00, then the clock resumes.
        #expect(try fires("*/30 * * * *", after: "2024-03-10T06:45:00Z", in: zone) == TimeFixture.instant("2024-03-10T07:00:00Z"))
        #expect(try fires("*/30 * * * *", after: "2024-03-10T07:00:00Z", in: zone) == TimeFixture.instant("2024-03-10T07:30:00Z"))
    }

    @Test func newYorkFallBack() throws {
        // 2024-11-03: 02:00 EDT falls back to 01:00 EST at 06:00Z; 01:30 happens at 05:30Z and 06:30Z.
        let zone = TimeFixture.newYork
        #expect(try fires("30 1 * * *", after: "2024-11-03T04:00:00Z", in: zone) == TimeFixture.instant("2024-11-03T05:30:00Z"))
        #expect(try fires("30 1 * * *", after: "2024-11-03T05:30:00Z", in: zone) == TimeFixture.instant("2024-11-04T06:30:00Z"))
        // During the repeated hour, minutes already fired at their first occurrence stay quiet.
        #expect(try fires("*/15 * * * *", after: "2024-11-03T06:10:00Z", in: zone) == TimeFixture.instant("2024-11-03T07:00:00Z"))
        #expect(try fires("0 * * * *", after: "2024-11-03T05:00:00Z", in: zone) == TimeFixture.instant("2024-11-03T07:00:00Z"))
        #expect(try fires("45 1 * * *", after: "2024-11-03T05:40:00Z", in: zone) == TimeFixture.instant("2024-11-03T05:45:00Z"))
    }

    @Test func berlinTransitions() throws {
        let zone = TimeFixture.berlin
        // 2024-03-31: 02:00 CET jumps to 03:00 CEST at 01:00Z.
        #expect(try fires("30 2 * * *", after: "2024-03-31T00:00:00Z", in: zone) == TimeFixture.instant("2024-03-31T01:00:00Z"))
        #expect(try fires("30 2 * * *", after: "2024-03-31T01:00:00Z", in: zone) == TimeFixture.instant("2024-04-01T00:30:00Z"))
        // 2024-10-27: 03:00 CEST falls back to 02:00 CET at 01:00Z; 02:30 happens at 00:30Z and 01:30Z.
        #expect(try fires("30 2 * * *", after: "2024-10-26T23:00:00Z", in: zone) == TimeFixture.instant("2024-10-27T00:30:00Z"))
        #expect(try fires("30 2 * * *", after: "2024-10-27T00:30:00Z", in: zone) == TimeFixture.instant("2024-10-28T01:30:00Z"))
    }

    /// Compares `nextFire` with a brute-force oracle built on Foundation's `Calendar`:
    /// walk the instants minute by minute and fire whenever the local clock reaches a
    /// matching minute it has not shown before. That is the documented rule itself:
    /// skipped minutes fire at the first instant after the gap, repeated minutes once.
    @Test(arguments: [
        ("America/New_York", "2024-03-09T17:00:00Z"), ("America/New_York", "2024-11-02T17:00:00Z"),
        ("Europe/Berlin", "2024-03-30T12:00:00Z"), ("Europe/Berlin", "2024-10-26T12:00:00Z"),
        ("Australia/Lord_Howe", "2024-10-05T00:00:00Z"), ("Australia/Lord_Howe", "2024-04-06T00:00:00Z"),
    ])
    func agreesWithBruteForceAcrossTransitions(zoneID: String, start: String) throws {
        let zone = TimeFixture.zone(zoneID)
        let from = TimeFixture.instant(start)
        let crons = ["*/15 * * * *", "30 2 * * *", "0 * * * *", "0,30 1-3 * * *", "15 2 * * sun", "45 1 6,31 * fri", "5 0-4 * * 1-5"]
        for cron in crons {
            let schedule = try CronSchedule.parse(cron)
            let expected = Self.bruteForceFires(of: schedule, from: from, minutes: 36 * 60, in: zone)
            var actual: [Date] = []
            var cursor = from
            while let fire = schedule.nextFire(after: cursor, in: zone), fire <= from.addingTimeInterval(36 * 3600) {
                actual.append(fire)
                cursor = fire
            }
            #expect(actual == expected, "\(cron) in \(zoneID)")
        }
    }

    private static func bruteForceFires(of schedule: CronSchedule, from: Date, minutes: Int, in zone: TimeZone) -> [Date] {
        var local = Calendar(identifier: .gregorian)
        local.timeZone = zone
        var naive = Calendar(identifier: .gregorian)
        naive.timeZone = TimeFixture.utc
        let fields: Set<Calendar.Component> = [.year, .month, .day, .hour, .minute]
        /// The local reading as minutes on a clock that never changes offset.
        func reading(_ date: Date) -> Int {
            Int(naive.date(from: local.dateComponents(fields, from: date))!.timeIntervalSince1970) / 60
        }
        func matches(_ minuteIndex: Int) -> Bool {
            let c = naive.dateComponents([.month, .day, .hour, .minute, .weekday], from: Date(timeIntervalSince1970: Double(minuteIndex * 60)))
            let dom = schedule.daysOfMonth.contains(c.day!)
            let dow = schedule.daysOfWeek.contains(c.weekday! - 1)
            let day = schedule.dayOfMonthIsWildcard || schedule.dayOfWeekIsWildcard ? dom && dow : dom || dow
            return day && schedule.months.contains(c.month!) && schedule.hours.contains(c.hour!) && schedule.minutes.contains(c.minute!)
        }
        var shown = reading(from)
        var fires: [Date] = []
        for step in 1...minutes {
            let instant = from.addingTimeInterval(Double(step * 60))
            let now = reading(instant)
            guard now > shown else { continue }
            if ((shown + 1)...now).contains(where: matches) { fires.append(instant) }
            shown = now
        }
        return fires
    }

    /// A schedule that never fires searches thirty years and gives up: it ends (the time
    /// limit fails a search that does not) and answers nil. Speed is measured in Benchmarks/.
    @Test(.timeLimit(.minutes(1))) func aScheduleThatNeverFiresEndsItsSearch() throws {
        let schedule = try CronSchedule.parse("0 0 31 2 *")
        for _ in 0..<20 {
            #expect(schedule.nextFire(after: TimeFixture.instant("2024-01-01T00:00:00Z"), in: TimeFixture.newYork) == nil)
        }
    }
}
