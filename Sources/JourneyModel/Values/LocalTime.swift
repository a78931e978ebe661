/// A wall-clock time of day (`"10:00"`, `"21:30"`), read in a journey's or a customer's time zone.
public struct LocalTime: Sendable, Hashable, Codable, Comparable {
    public var hour: Int
    public var minute: Int

    public init(hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    /// Seconds since local midnight.
    public var secondsIntoDay: Int { hour * 3600 + minute * 60 }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.secondsIntoDay < rhs.secondsIntoDay }
}
