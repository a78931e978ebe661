/// A length of time written as an integer and a unit: `30s`, `15m`, `2h`, `3d`, `1w`.
///
/// A day is always 24 hours (the language says so): durations are absolute,
/// unlike `wait_until` and schedules, which follow the local calendar.
public struct JourneyDuration: Sendable, Hashable, Codable, Comparable {
    public var seconds: Int64

    public init(seconds: Int64) {
        self.seconds = seconds
    }

    public static func < (lhs: JourneyDuration, rhs: JourneyDuration) -> Bool { lhs.seconds < rhs.seconds }
}
