extension CronSchedule {
    private enum CodingKeys: String, CodingKey {
        case source, minutes, hours, daysOfMonth, months, daysOfWeek, dayOfMonthIsWildcard, dayOfWeekIsWildcard
    }

    /// Encodes the field sets sorted: `Set` order changes from process to process, and
    /// stored definitions must encode to the same bytes everywhere (content hashes compare them).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(minutes.sorted(), forKey: .minutes)
        try container.encode(hours.sorted(), forKey: .hours)
        try container.encode(daysOfMonth.sorted(), forKey: .daysOfMonth)
        try container.encode(months.sorted(), forKey: .months)
        try container.encode(daysOfWeek.sorted(), forKey: .daysOfWeek)
        try container.encode(dayOfMonthIsWildcard, forKey: .dayOfMonthIsWildcard)
        try container.encode(dayOfWeekIsWildcard, forKey: .dayOfWeekIsWildcard)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            source: try container.decode(String.self, forKey: .source),
            minutes: Set(try container.decode([Int].self, forKey: .minutes)),
            hours: Set(try container.decode([Int].self, forKey: .hours)),
            daysOfMonth: Set(try container.decode([Int].self, forKey: .daysOfMonth)),
            months: Set(try container.decode([Int].self, forKey: .months)),
            daysOfWeek: Set(try container.decode([Int].self, forKey: .daysOfWeek)),
            dayOfMonthIsWildcard: try container.decode(Bool.self, forKey: .dayOfMonthIsWildcard),
            dayOfWeekIsWildcard: try container.decode(Bool.self, forKey: .dayOfWeekIsWildcard))
    }
}
