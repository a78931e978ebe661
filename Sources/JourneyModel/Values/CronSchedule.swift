/// A five-field cron expression (`minute hour day-of-month month day-of-week`),
/// read in the journey's time zone.
public struct CronSchedule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text as written, for reports (runs of spaces and tabs become one space when parsed).
    public var source: String
    public var minutes: Set<Int>
    public var hours: Set<Int>
    public var daysOfMonth: Set<Int>
    public var months: Set<Int>
    /// 0 = Sunday … 6 = Saturday, as cron counts (7 is folded into 0 when parsed).
    public var daysOfWeek: Set<Int>
    /// Whether the day-of-month field started with `*` (`*` or `*/n`): as in Vixie cron, a day
    /// matches either day field only when neither field starts with `*`, and both otherwise.
    public var dayOfMonthIsWildcard: Bool
    public var dayOfWeekIsWildcard: Bool

    public init(
        source: String, minutes: Set<Int>, hours: Set<Int>, daysOfMonth: Set<Int>, months: Set<Int>,
        daysOfWeek: Set<Int>, dayOfMonthIsWildcard: Bool, dayOfWeekIsWildcard: Bool
    ) {
        self.source = source
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.dayOfMonthIsWildcard = dayOfMonthIsWildcard
        self.dayOfWeekIsWildcard = dayOfWeekIsWildcard
    }

    public var description: String { source }
}
