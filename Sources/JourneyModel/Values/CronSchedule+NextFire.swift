import Foundation

extension CronSchedule {
    /// How far ahead `nextFire` looks before concluding that a schedule never fires.
    ///
    /// Thirty years rather than five: `0 0 29 2 *` has an eight-year gap across
    /// 2100, and weekday-and-date combinations repeat only every 28 years. The
    /// search skips whole months and days, so even a schedule that never fires
    /// costs a few thousand cheap iterations.
    static let searchHorizonDays = 30 * 366

    /// The first instant strictly after `date` at which the schedule fires, reading
    /// the fields on the local clock of `zone`; nil if it would not fire within
    /// about thirty years (`0 0 31 2 *` never does; see `canFire`).
    ///
    /// Daylight saving follows `ZonedCalendar`: a firing time skipped by spring
    /// forward fires once, at the end of the gap (`30 2 * * *` fires at 03:00 on a
    /// day that jumps 02:00 → 03:00, and `*/15 * * * *` fires once at 03:00 for the
    /// whole skipped hour); a firing time repeated by fall back fires once, at its
    /// first occurrence (so `*/15 * * * *` is silent during the repeated hour).
    public func nextFire(after date: Date, in zone: TimeZone) -> Date? {
        let after = date.timeIntervalSince1970
        let seconds = ZonedCalendar.epochSeconds(date)
        let local = seconds + ZonedCalendar.offset(of: zone, at: seconds)
        let matcher = CronMatcher(self)
        // Local minutes at or before the local reading of `date` resolve at or before
        // `date` (resolution is monotonic), so the search starts at the next minute.
        var cursor = ZonedCalendar.floorDiv(local, 60) + 1
        let lastDay = ZonedCalendar.floorDiv(local, ZonedCalendar.secondsPerDay) + Self.searchHorizonDays
        while let minute = matcher.firstMatch(atOrAfter: cursor, throughDay: lastDay) {
            let fire = ZonedCalendar.resolve(localSeconds: minute * 60, in: zone).first
            // Fails only for minutes of a repeated hour whose first occurrence is past.
            if Double(fire) > after { return Date(timeIntervalSince1970: Double(fire)) }
            cursor = minute + 1
        }
        return nil
    }

    /// Whether any day can ever match, for the validator to reject schedules such
    /// as `0 0 30 2 *` (February 30th) that would silently never fire. February
    /// counts 29 days, since leap years come round.
    public var canFire: Bool {
        guard !minutes.isEmpty, !hours.isEmpty, !months.isEmpty else { return false }
        let someDateExists = months.contains { month in
            let length = month == 2 ? 29 : ZonedCalendar.daysInMonth(year: 2001, month: month)
            return daysOfMonth.contains { $0 >= 1 && $0 <= length }
        }
        // Every weekday falls on every date of every month in some year.
        if dayOfMonthIsWildcard || dayOfWeekIsWildcard {
            return someDateExists && !daysOfWeek.isEmpty
        }
        return someDateExists || !daysOfWeek.isEmpty
    }
}

/// The schedule's fields as bit masks, so the search tests membership and finds
/// the next allowed hour or minute with a couple of bit operations.
private struct CronMatcher {
    let minuteMask: UInt64
    let hourMask: UInt64
    let dayOfMonthMask: UInt64
    let monthMask: UInt64
    let dayOfWeekMask: UInt64
    /// Vixie cron: when either day field starts with `*` both must match; otherwise either may.
    let daysMustBothMatch: Bool

    init(_ schedule: CronSchedule) {
        minuteMask = Self.mask(schedule.minutes)
        hourMask = Self.mask(schedule.hours)
        dayOfMonthMask = Self.mask(schedule.daysOfMonth)
        monthMask = Self.mask(schedule.months)
        dayOfWeekMask = Self.mask(schedule.daysOfWeek.map { $0 % 7 })
        daysMustBothMatch = schedule.dayOfMonthIsWildcard || schedule.dayOfWeekIsWildcard
    }

    private static func mask(_ values: some Sequence<Int>) -> UInt64 {
        values.reduce(0) { (0..<64).contains($1) ? $0 | (1 << UInt64($1)) : $0 }
    }

    @inline(__always)
    private static func contains(_ mask: UInt64, _ value: Int) -> Bool {
        mask & (1 << UInt64(value)) != 0
    }

    /// The smallest member of `mask` that is at least `value`.
    @inline(__always)
    private static func next(in mask: UInt64, atLeast value: Int) -> Int? {
        guard value < 64 else { return nil }
        let rest = mask & (~0 << UInt64(value))
        return rest == 0 ? nil : rest.trailingZeroBitCount
    }

    /// The first matching local minute (counted from 1970 on the local clock) at or
    /// after `start`, looking no further than the end of local day `lastDay`.
    func firstMatch(atOrAfter start: Int, throughDay lastDay: Int) -> Int? {
        var day = ZonedCalendar.floorDiv(start, 1440)
        var minuteOfDay = start - day * 1440
        while day <= lastDay {
            let (year, month, dayOfMonth) = ZonedCalendar.civilFromDays(day)
            if !Self.contains(monthMask, month) {
                day = ZonedCalendar.daysFromCivil(year: year, month: month + 1, day: 1)
                minuteOfDay = 0
                continue
            }
            let domMatches = Self.contains(dayOfMonthMask, dayOfMonth)
            let dowMatches = Self.contains(dayOfWeekMask, ZonedCalendar.cronWeekday(ofDay: day))
            let dayMatches = daysMustBothMatch ? (domMatches && dowMatches) : (domMatches || dowMatches)
            if dayMatches, let time = firstTime(atOrAfter: minuteOfDay) {
                return day * 1440 + time
            }
            day += 1
            minuteOfDay = 0
        }
        return nil
    }

    /// The first matching minute of a day at or after `minuteOfDay`.
    private func firstTime(atOrAfter minuteOfDay: Int) -> Int? {
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        while let nextHour = Self.next(in: hourMask, atLeast: hour), nextHour < 24 {
            if nextHour != hour { minute = 0 }
            if let nextMinute = Self.next(in: minuteMask, atLeast: minute), nextMinute < 60 {
                return nextHour * 60 + nextMinute
            }
            hour = nextHour + 1
            minute = 0
        }
        return nil
    }
}
