extension WaitUntil {
    private enum CodingKeys: String, CodingKey {
        case time, weekdays
    }

    /// Weekdays encode sorted, so a definition encodes to the same bytes in every process.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
        try container.encodeIfPresent(weekdays?.sorted(), forKey: .weekdays)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            time: try container.decode(LocalTime.self, forKey: .time),
            weekdays: try container.decodeIfPresent([Weekday].self, forKey: .weekdays).map(Set.init))
    }
}
