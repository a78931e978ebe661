/// The ISO-8601 timestamps expressions read and write, with civil-date arithmetic
/// instead of `DateFormatter`.
///
/// `DateFormatter` is slow, locale- and time-zone-sensitive, and not available the
/// same way on every platform; `days_since` runs for every customer on every
/// segment recheck, so it deserves a small parser with no such surprises.
/// The day arithmetic is Howard Hinnant's `days_from_civil` / `civil_from_days`
/// (proleptic Gregorian calendar).
enum ExpressionTimestamp {
    /// Seconds since 1970-01-01T00:00:00Z for the text, or `nil` when it is not one
    /// of the accepted forms (surrounding whitespace is ignored):
    ///
    /// - `2024-03-13` (midnight UTC)
    /// - `2024-03-13T11:23`, `2024-03-13T11:23:32`, `2024-03-13T11:23:32.250`
    ///   (UTC; a space may replace the `T`; `,` may replace the `.`)
    /// - any of those times followed by `Z`, `+08:00`, `+0800` or `+08`.
    static func parse(_ text: String) -> Double? {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipSpaces()
        guard let year = reader.digits(4), reader.take(UInt8(ascii: "-")),
            let month = reader.digits(2), reader.take(UInt8(ascii: "-")),
            let day = reader.digits(2),
            (1...12).contains(month), (1...daysInMonth(year, month)).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year, month, day) * 86_400)
        let afterDate = reader.index
        reader.skipSpaces()
        if reader.atEnd { return seconds }
        // The date/time separator: `T`, `t`, or the space(s) just skipped.
        let separated = reader.index > afterDate
        guard reader.take(UInt8(ascii: "T")) || reader.take(UInt8(ascii: "t")) || separated else { return nil }
        guard let hour = reader.digits(2), hour < 24, reader.take(UInt8(ascii: ":")),
            let minute = reader.digits(2), minute < 60
        else { return nil }
        var second = 0
        var fraction = 0.0
        if reader.take(UInt8(ascii: ":")) {
            guard let value = reader.digits(2), value < 60 else { return nil }
            second = value
            if reader.take(UInt8(ascii: ".")) || reader.take(UInt8(ascii: ",")) {
                guard let value = reader.fraction() else { return nil }
                fraction = value
            }
        }
        seconds += Double(hour * 3600 + minute * 60 + second) + fraction
        guard let offset = reader.zoneOffset() else { return nil }
        reader.skipSpaces()
        return reader.atEnd ? seconds - Double(offset) : nil
    }

    /// `2024-03-13T11:23:32Z`: UTC, whole seconds (floored), or `nil` for a time
    /// outside the years 0000–9999 (which no real event has).
    static func format(secondsSince1970 value: Double) -> String? {
        guard value.isFinite, value >= -62_167_219_200, value < 253_402_300_800 else { return nil }
        let total = Int64(value.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = Int(total - days * 86_400)
        let (year, month, day) = civilFromDays(Int(days))
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "Z"
    }

    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// A cursor over the UTF-8 bytes of a timestamp.
private struct Reader {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
            index += 1
        }
    }

    /// Exactly `count` ASCII digits as a number.
    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        index += count
        return value
    }

    /// One or more digits after the decimal mark, as a fraction of a second.
    mutating func fraction() -> Double? {
        var value = 0.0
        var scale = 1.0
        let start = index
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            if scale > 1e-12 {
                scale /= 10
                value += Double(bytes[index] - 48) * scale
            }
            index += 1
        }
        return index > start ? value : nil
    }

    /// The zone designator in seconds east of UTC: `Z`, `±HH:MM`, `±HHMM`, `±HH`,
    /// or nothing (UTC). `nil` when one is present but malformed.
    mutating func zoneOffset() -> Int? {
        if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) { return 0 }
        let sign: Int
        if take(UInt8(ascii: "+")) {
            sign = 1
        } else if take(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return 0
        }
        guard let hours = digits(2), hours < 24 else { return nil }
        let hasMinutes = take(UInt8(ascii: ":")) || (index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57)
        guard let minutes = hasMinutes ? digits(2) : 0, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
