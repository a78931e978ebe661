import Foundation

/// Local-calendar arithmetic for `wait_until`, quiet hours, schedules and timestamps.
///
/// Durations are absolute (a day is 24 hours), but `wait_until`, `quiet_hours`
/// and cron schedules follow the wall clock of a time zone. Every function here
/// takes the current instant as a parameter, never reading the system clock,
/// so the engine and the simulator get the same answers for the same inputs.
///
/// Daylight-saving rules, shared by everything that turns a local time into an instant:
/// - A local time that does not exist (spring forward) happens at the first
///   instant after the gap: 02:30 on a day that jumps 02:00 → 03:00 is 03:00.
/// - A local time that happens twice (fall back) happens at its first occurrence.
public enum ZonedCalendar {
    /// A local reading of an instant: the wall clock and calendar in some zone.
    public struct LocalComponents: Sendable, Hashable {
        public var year: Int
        public var month: Int
        public var day: Int
        public var hour: Int
        public var minute: Int
        public var second: Int
        public var weekday: Weekday

        public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Weekday) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
            self.weekday = weekday
        }

        /// The wall-clock time of day, without seconds.
        public var localTime: LocalTime { LocalTime(hour: hour, minute: minute) }
    }

    /// UTC, the default zone of a journey.
    public static let utc: TimeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!

    /// Zone ids that journeys may name. `TimeZone(identifier:)` alone also accepts
    /// abbreviations such as `PST` and offsets such as `GMT+8`, which would make a
    /// misspelt or ambiguous zone look valid.
    private static let knownZoneIdentifiers: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers)

    /// `UTC` and the IANA ids that are UTC under another name (tzdata's `etcetera` and `backward` files).
    private static let utcNames: Set<String> = [
        "UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Etc/GMT", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "Etc/Greenwich",
    ]

    /// The zone for a real IANA id (`Asia/Shanghai`, `Europe/Berlin`) or `UTC`; nil for
    /// anything else, including abbreviations, offsets and wrong capitalisation.
    ///
    /// Foundation's list of known ids lags the IANA database on some systems (it has
    /// `Asia/Calcutta` but not `Asia/Kolkata`), so a `Region/City` id that Foundation
    /// can load is accepted too, as long as it keeps the author's spelling exactly.
    ///
    /// `Etc/…` ids are not loaded that way: `Etc/GMT+8` is an offset (with POSIX's inverted
    /// sign, eight hours *behind* GMT) that follows no daylight saving. The zero-offset ids
    /// of the `Etc` area (`Etc/UTC`, the canonical IANA name of UTC and what many systems
    /// report as their zone, `Etc/GMT`, …) are UTC itself and are accepted as such.
    public static func zone(named name: String) -> TimeZone? {
        if utcNames.contains(name) { return utc }
        if knownZoneIdentifiers.contains(name) { return TimeZone(identifier: name) }
        guard let slash = name.firstIndex(of: "/"), name[..<slash].first?.isUppercase == true,
            !name.hasPrefix("Etc/"), let zone = TimeZone(identifier: name), zone.identifier == name
        else { return nil }
        return zone
    }

    /// The local calendar date, wall-clock time (seconds floored) and weekday of an instant.
    public static func localComponents(of date: Date, in zone: TimeZone) -> LocalComponents {
        let seconds = epochSeconds(date)
        let local = seconds + offset(of: zone, at: seconds)
        let days = floorDiv(local, secondsPerDay)
        let secondOfDay = local - days * secondsPerDay
        let (year, month, day) = civilFromDays(days)
        return LocalComponents(
            year: year, month: month, day: day,
            hour: secondOfDay / 3600, minute: (secondOfDay % 3600) / 60, second: secondOfDay % 60,
            weekday: weekday(ofDay: days)
        )
    }

    /// The instant of a local reading in `zone`, with the daylight-saving rules above.
    ///
    /// Fields out of range roll over (day 32 of January is February 1, hour 24 is
    /// midnight of the next day), so callers can step through days by adding to `day`.
    /// Check a date's validity before calling if rolling over is not wanted.
    public static func instant(
        localYear year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, in zone: TimeZone
    ) -> Date {
        let local = localSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return Date(timeIntervalSince1970: Double(resolve(localSeconds: local, in: zone).first))
    }

    /// When a `wait_until` step wakes: the first instant at or after `instant` whose
    /// local time is `time` on an allowed weekday.
    ///
    /// - `weekdays`: nil (or an empty set, which the validator rejects) means any day.
    /// - An instant exactly at `time` returns itself ("now if it is exactly now");
    ///   a fraction of a second past it waits for the next allowed day.
    /// - In a gap the step wakes at the end of the gap. On a fall-back day the time
    ///   counts once, at its first occurrence: a run that starts waiting during the
    ///   repeated hour, after the first occurrence, waits for the next allowed day.
    public static func nextOccurrence(
        of time: LocalTime, weekdays: Set<Weekday>?, onOrAfter instant: Date, in zone: TimeZone
    ) -> Date {
        let now = instant.timeIntervalSince1970
        let seconds = epochSeconds(instant)
        let today = floorDiv(seconds + offset(of: zone, at: seconds), secondsPerDay)
        let allowed = (weekdays?.isEmpty ?? true) ? nil : weekdays
        // Resolution is monotonic in the local reading, so earlier days cannot
        // qualify, and within eight days every weekday comes round again.
        for day in today...(today + 7) {
            if let allowed, !allowed.contains(weekday(ofDay: day)) { continue }
            let fire = resolve(localSeconds: day * secondsPerDay + time.secondsIntoDay, in: zone).first
            if Double(fire) >= now { return Date(timeIntervalSince1970: Double(fire)) }
        }
        // Unreachable for real zones; a deterministic answer rather than a trap.
        let fallback = resolve(localSeconds: (today + 8) * secondsPerDay + time.secondsIntoDay, in: zone)
        return Date(timeIntervalSince1970: Double(fallback.first))
    }

    /// When quiet hours that contain `instant` end, or nil when `instant` is outside them.
    ///
    /// The window includes `from` and excludes `to`, read on the local clock, and
    /// crosses midnight when `from` is later than `to` (21:00–08:00). `from == to`
    /// is an empty window: never quiet, rather than always quiet, because a send
    /// that could never leave the window would wait forever.
    ///
    /// The end is the first instant after `instant` at which the local clock reads
    /// `to`: the end of the gap if `to` is skipped by spring forward; during a
    /// repeated hour, whichever occurrence of `to` comes next.
    public static func quietHoursEnd(from: LocalTime, to: LocalTime, at instant: Date, in zone: TimeZone) -> Date? {
        let start = from.secondsIntoDay
        let end = to.secondsIntoDay
        guard start != end else { return nil }
        let seconds = epochSeconds(instant)
        let local = seconds + offset(of: zone, at: seconds)
        let today = floorDiv(local, secondsPerDay)
        let secondOfDay = local - today * secondsPerDay
        let inside = start < end
            ? (secondOfDay >= start && secondOfDay < end)
            : (secondOfDay >= start || secondOfDay < end)
        guard inside else { return nil }
        let endDay = secondOfDay < end ? today : today + 1
        let resolution = resolve(localSeconds: endDay * secondsPerDay + end, in: zone)
        let now = instant.timeIntervalSince1970
        let fire = Double(resolution.first) > now ? resolution.first : resolution.last
        return Date(timeIntervalSince1970: Double(fire))
    }
}
