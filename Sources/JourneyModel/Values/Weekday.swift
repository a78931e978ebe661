/// A day of the week as journey files spell it (`mon` … `sun`).
public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case mon, tue, wed, thu, fri, sat, sun

    /// Position with Monday first, as ISO 8601 counts (Monday = 1 … Sunday = 7).
    public var isoNumber: Int { Weekday.allCases.firstIndex(of: self)! + 1 }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.isoNumber < rhs.isoNumber }
}
