import Foundation

/// The timestamps expressions read and write: `Timestamp` with the expression
/// language's conventions (a time without an offset is UTC; times are seconds
/// since 1970 as `Double`; text outside the years 0000–9999 is no time).
///
/// One parser for the whole code base: event logs, the simulator and
/// `days_since` all read times the same way.
enum ExpressionTimestamp {
    /// Seconds since 1970-01-01T00:00:00Z, or `nil` when the text is not an accepted timestamp.
    static func parse(_ text: String) -> Double? {
        Timestamp.parse(text, defaultZone: ZonedCalendar.utc)?.timeIntervalSince1970
    }

    /// `2024-03-13T11:23:32Z`: UTC, whole seconds (floored), or `nil` for a time
    /// outside the years 0000–9999 (which no real event has).
    static func format(secondsSince1970 value: Double) -> String? {
        guard value.isFinite, value >= -62_167_219_200, value < 253_402_300_800 else { return nil }
        return Timestamp.format(Date(timeIntervalSince1970: value))
    }
}
