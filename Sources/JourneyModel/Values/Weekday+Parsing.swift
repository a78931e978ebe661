import Foundation

extension Weekday {
    /// Text for a validator hint after a weekday fails to parse.
    public static let syntaxHelp = "write a weekday as mon, tue, wed, thu, fri, sat or sun"

    private static let fullNames: [String: Weekday] = [
        "monday": .mon, "tuesday": .tue, "wednesday": .wed, "thursday": .thu,
        "friday": .fri, "saturday": .sat, "sunday": .sun,
    ]

    /// Reads a weekday by its three-letter name (`mon`) or full English name
    /// (`monday`), in any case (`Mon`, `MONDAY`). Other abbreviations (`tues`,
    /// `thur`) are rejected so that every spelling means exactly one thing.
    public static func parse(_ text: String) -> Weekday? {
        let lowered = text.lowercased()
        return Weekday(rawValue: lowered) ?? fullNames[lowered]
    }

    /// The weekday for Foundation's Gregorian numbering (`Calendar.component(.weekday, …)`:
    /// 1 = Sunday … 7 = Saturday); nil outside 1–7.
    public init?(gregorianWeekday number: Int) {
        guard (1...7).contains(number) else { return nil }
        // Sunday is 1 in Foundation but last in ISO order.
        self = Weekday.allCases[(number + 5) % 7]
    }

    /// Foundation's Gregorian number of the weekday: 1 = Sunday … 7 = Saturday.
    public var gregorianWeekday: Int { isoNumber % 7 + 1 }

    /// Cron's number of the weekday: 0 = Sunday … 6 = Saturday.
    public var cronNumber: Int { isoNumber % 7 }

    /// The weekday for a cron number, 0 = Sunday … 6 = Saturday, and 7 = Sunday too.
    public init?(cronNumber number: Int) {
        guard (0...7).contains(number) else { return nil }
        self = Weekday.allCases[(number + 6) % 7]
    }
}
