import Foundation

// Civil-date arithmetic and local-to-UTC resolution.
//
// The simulator converts millions of timestamps and the engine computes a
// wake-up time for every waiting run, so this file avoids `Calendar`,
// `DateComponents` and formatters entirely: dates are counted as days since
// 1970-01-01 (proleptic Gregorian) with Howard Hinnant's algorithms, and the
// only thing asked of `TimeZone` is its UTC offset at an instant.

extension ZonedCalendar {
    /// How a local wall-clock reading maps onto UTC.
    ///
    /// Usually `first == last`. When clocks fall back the reading happens twice and
    /// `first < last`. When clocks spring forward the reading never happens: then
    /// `isGap` is set and both are the transition instant, the first instant after
    /// the gap (02:30 on a day that jumps 02:00 → 03:00 resolves to 03:00 local).
    struct Resolution: Equatable {
        var first: Int
        var last: Int
        var isGap: Bool
    }

    static let secondsPerDay = 86_400

    /// Seconds either side of an instant that any real zone offset can reach, with margin.
    private static let offsetReach = 86_400

    /// Clamp for instants: about ±1.1 million years keeps every product below overflow.
    private static let epochLimit = 1 << 45

    // MARK: Integer helpers

    /// Division rounding toward negative infinity, so instants before 1970 land on the right day.
    @inline(__always)
    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The non-negative remainder that goes with `floorDiv`.
    @inline(__always)
    static func floorMod(_ a: Int, _ b: Int) -> Int {
        let r = a % b
        return r < 0 ? r + b : r
    }

    /// Whole seconds since 1970 (floored), clamped so that NaN or absurd dates cannot trap.
    static func epochSeconds(_ date: Date) -> Int {
        let t = date.timeIntervalSince1970
        guard t.isFinite else { return t.isNaN ? 0 : (t < 0 ? -epochLimit : epochLimit) }
        let clamped = Swift.max(Swift.min(t.rounded(.down), Double(epochLimit)), Double(-epochLimit))
        return Int(clamped)
    }

    /// The zone's offset from UTC, in seconds, at an instant given as epoch seconds.
    @inline(__always)
    static func offset(of zone: TimeZone, at seconds: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
    }

    // MARK: Civil dates

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Days in a month (1–12) of a year; 0 for a month out of range.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// Days since 1970-01-01 of a civil date. Lenient: a month outside 1–12 rolls
    /// into neighbouring years and a day outside the month rolls into neighbouring
    /// months (the formula is linear in `day`), so callers can add days by adding to `day`.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y0 = year + floorDiv(month - 1, 12)
        let m = floorMod(month - 1, 12) + 1
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = m > 2 ? m - 3 : m + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day counted from 1970-01-01.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Cron's day number, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    @inline(__always)
    static func cronWeekday(ofDay days: Int) -> Int {
        floorMod(days + 4, 7)
    }

    static func weekday(ofDay days: Int) -> Weekday {
        Weekday.allCases[floorMod(days + 3, 7)]
    }

    /// A local reading as seconds since 1970 on a clock that never changes offset.
    static func localSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int {
        daysFromCivil(year: year, month: month, day: day) * secondsPerDay + hour * 3600 + minute * 60 + second
    }

    // MARK: Local → UTC

    /// Maps a local reading (as `localSeconds`) to UTC in `zone`; see `Resolution`.
    ///
    /// The offsets a day before and a day after bracket any single transition near
    /// the reading. When they agree (nearly always) one more lookup confirms the
    /// answer; otherwise each candidate offset is tried, and a reading that no
    /// candidate produces is a gap, resolved by binary search for the transition.
    static func resolve(localSeconds local: Int, in zone: TimeZone) -> Resolution {
        let before = offset(of: zone, at: local - offsetReach)
        let after = offset(of: zone, at: local + offsetReach)
        if before == after, offset(of: zone, at: local - before) == before {
            return Resolution(first: local - before, last: local - before, isGap: false)
        }
        let candidates = [before, after, offset(of: zone, at: local)]
        var first = Int.max
        var last = Int.min
        for candidate in candidates where offset(of: zone, at: local - candidate) == candidate {
            first = Swift.min(first, local - candidate)
            last = Swift.max(last, local - candidate)
        }
        if first <= last {
            return Resolution(first: first, last: last, isGap: false)
        }
        // A gap: find the first instant whose local reading has reached `local`.
        var low = local - candidates.max()!
        var high = local - candidates.min()!
        while low < high {
            let mid = floorDiv(low + high, 2)
            if mid + offset(of: zone, at: mid) >= local {
                high = mid
            } else {
                low = mid + 1
            }
        }
        return Resolution(first: low, last: low, isGap: true)
    }
}
