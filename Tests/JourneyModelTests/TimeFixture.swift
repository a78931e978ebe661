import Foundation

/// Independent ways to write expected instants in time tests, so that the code
/// under test (`Timestamp`, `ZonedCalendar`) is never also the oracle.
enum TimeFixture {
    /// An instant from an RFC 3339 string with an offset, read by Foundation's own parser.
    static func instant(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".")
            ? [.withInternetDateTime, .withFractionalSeconds]
            : [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { fatalError("bad fixture \(text)") }
        return date
    }

    /// A zone that must exist in the test machine's time-zone database.
    static func zone(_ identifier: String) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { fatalError("no zone \(identifier)") }
        return zone
    }

    static let utc = zone("UTC")
    static let newYork = zone("America/New_York")
    static let berlin = zone("Europe/Berlin")
    static let shanghai = zone("Asia/Shanghai")
}
