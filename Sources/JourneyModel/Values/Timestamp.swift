import Foundation

/// Reading and writing instants as text, for event files, CSV rows and reports.
///
/// Hand-written rather than `ISO8601DateFormatter`/`DateFormatter`: the simulator
/// parses a timestamp for every row of files with millions of rows, the formatters
/// are slow and locale-sensitive, and none of them reads local times with this
/// project's daylight-saving rules.
public enum Timestamp {
    /// Reads an instant. Accepted, with surrounding spaces ignored:
    ///
    /// - `2024-03-13T11:23:32Z`, `2024-03-13T19:23:32+08:00`, `…+0800`, `…+08`
    /// - fractional seconds after `.` or `,`: `2024-03-13T11:23:32.250Z`
    /// - a space instead of `T`: `2024-03-13 11:23:32` (`t` and `z` in lower case too)
    /// - no seconds: `2024-03-13T11:23`, `2024-03-13 11:23Z`
    /// - a bare date: `2024-03-13` (local midnight)
    /// - ` UTC` or ` GMT` after the time, as exports write it (`2019-10-01 00:00:00 UTC`,
    ///   the form of the widely used REES46 e-commerce logs): the same as `Z`
    /// - ISO 8601's basic format, without separators, for a date and a time:
    ///   `20240313T112332Z`, `20240313T192332+0800`, `20240313T1123`, `20240313T112332.5`.
    ///   A bare `20240313` is refused: eight digits alone read as a number as easily as a date.
    ///
    /// Without an offset the time is a local time in `defaultZone`, resolved with the
    /// `ZonedCalendar` rules (a time skipped by spring forward is the end of the gap,
    /// a repeated time its first occurrence). Every field has a fixed number of
    /// digits; impossible dates (`2023-02-29`, month 13), hour 24 and leap second 60
    /// are rejected.
    public static func parse(_ text: String, defaultZone: TimeZone) -> Date? {
        var text = text
        return text.withUTF8 { parse(bytes: $0, defaultZone: defaultZone) }
    }

    /// The instant in UTC to the whole second, rounding down: `2024-03-13T11:23:32Z`.
    /// Reports and golden files compare these strings, so fractions are dropped
    /// (floored, so an instant never prints as a second that has not yet begun).
    public static func format(_ date: Date) -> String {
        let seconds = ZonedCalendar.epochSeconds(date)
        let days = ZonedCalendar.floorDiv(seconds, ZonedCalendar.secondsPerDay)
        let secondOfDay = seconds - days * ZonedCalendar.secondsPerDay
        let (year, month, day) = ZonedCalendar.civilFromDays(days)
        if (0...9999).contains(year) {
            // Every time a log holds: written straight into the string's own storage (one
            // allocation, where the general path below makes three; this runs for every event).
            return String(unsafeUninitializedCapacity: 20) { text in
                func digits(_ value: Int, count: Int, at end: Int) {
                    var value = value
                    for index in stride(from: end, to: end - count, by: -1) {
                        text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                        value /= 10
                    }
                }
                digits(year, count: 4, at: 3)
                digits(month, count: 2, at: 6)
                digits(day, count: 2, at: 9)
                digits(secondOfDay / 3600, count: 2, at: 12)
                digits(secondOfDay % 3600 / 60, count: 2, at: 15)
                digits(secondOfDay % 60, count: 2, at: 18)
                (text[4], text[7], text[10]) = (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"))
                (text[13], text[16], text[19]) = (UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "Z"))
                return 20
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        if year < 0 { bytes.append(UInt8(ascii: "-")) }
        let yearDigits = Array(String(year.magnitude).utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: Swift.max(0, 4 - yearDigits.count)))
        bytes.append(contentsOf: yearDigits)
        func two(_ value: Int, after separator: Unicode.Scalar) {
            bytes.append(UInt8(ascii: separator))
            bytes.append(UInt8(ascii: "0") + UInt8(value / 10))
            bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        two(month, after: "-")
        two(day, after: "-")
        two(secondOfDay / 3600, after: "T")
        two(secondOfDay % 3600 / 60, after: ":")
        two(secondOfDay % 60, after: ":")
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, defaultZone: TimeZone) -> Date? {
        var reader = ByteReader(bytes: bytes)
        reader.trimSpaces()
        guard let year = reader.digits(4) else { return nil }
        // Extended format (`2024-03-13T11:23:32`) or basic (`20240313T112332`), never a mix.
        let basic = !reader.take("-")
        guard let month = reader.digits(2), basic || reader.take("-"),
              let day = reader.digits(2),
              (1...12).contains(month), day >= 1, day <= ZonedCalendar.daysInMonth(year: year, month: month)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offset: Int?
        if basic && reader.atEnd { return nil }
        if !reader.atEnd {
            guard reader.take("T") || reader.take("t") || (!basic && reader.take(" ")),
                  let h = reader.digits(2), basic || reader.take(":"), let m = reader.digits(2), h < 24, m < 60
            else { return nil }
            hour = h
            minute = m
            if basic ? reader.peekDigit : reader.take(":") {
                guard let s = reader.digits(2), s < 60 else { return nil }
                second = s
                if reader.take(".") || reader.take(",") {
                    guard let f = reader.fraction() else { return nil }
                    fraction = f
                }
            }
            if reader.take("Z") || reader.take("z") {
                offset = 0
            } else if let sign = reader.sign() {
                guard let oh = reader.digits(2), oh < 24 else { return nil }
                var om = 0
                if !reader.atEnd {
                    if !basic { _ = reader.take(":") }
                    guard let m = reader.digits(2), m < 60 else { return nil }
                    om = m
                }
                offset = sign * (oh * 3600 + om * 60)
            } else if !basic, reader.takeZoneName() {
                offset = 0
            }
        }
        guard reader.atEnd else { return nil }
        let local = ZonedCalendar.localSeconds(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second
        )
        if let offset {
            return Date(timeIntervalSince1970: Double(local - offset) + fraction)
        }
        let resolution = ZonedCalendar.resolve(localSeconds: local, in: defaultZone)
        // Every reading inside a gap is the transition itself, fractions included.
        return Date(timeIntervalSince1970: Double(resolution.first) + (resolution.isGap ? 0 : fraction))
    }
}

/// A cursor over ASCII bytes with the few primitives the timestamp grammar needs.
private struct ByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var end: Int

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.end = bytes.count
    }

    var atEnd: Bool { position == end }

    mutating func trimSpaces() {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while position < end, isSpace(bytes[position]) { position += 1 }
        while end > position, isSpace(bytes[end - 1]) { end -= 1 }
    }

    /// ` UTC` or ` GMT` (any case, the space optional): zero offset, named.
    mutating func takeZoneName() -> Bool {
        var cursor = position
        if cursor < end, bytes[cursor] == 0x20 { cursor += 1 }
        guard end - cursor == 3 else { return false }
        let name = (bytes[cursor] | 0x20, bytes[cursor + 1] | 0x20, bytes[cursor + 2] | 0x20)
        guard name == (0x75, 0x74, 0x63) || name == (0x67, 0x6D, 0x74) else { return false }  // utc, gmt
        position = end
        return true
    }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard position < end, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    /// Exactly `count` decimal digits.
    mutating func digits(_ count: Int) -> Int? {
        guard end - position >= count else { return nil }
        var value = 0
        for i in position..<(position + count) {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        position += count
        return value
    }

    /// One or more digits after a decimal point, as a fraction of a second. Digits
    /// past the ninth (below a nanosecond) are checked but do not count.
    mutating func fraction() -> Double? {
        var value = 0
        var scale = 1
        var count = 0
        while position < end, case let d = bytes[position] &- UInt8(ascii: "0"), d < 10 {
            if count < 9 {
                value = value * 10 + Int(d)
                scale *= 10
            }
            count += 1
            position += 1
        }
        return count == 0 ? nil : Double(value) / Double(scale)
    }

    /// Whether a decimal digit comes next (seconds in the basic format have no separator).
    var peekDigit: Bool { position < end && bytes[position] &- UInt8(ascii: "0") < 10 }

    /// `+1` or `-1` for an offset's sign (ASCII `+` or `-` only).
    mutating func sign() -> Int? {
        if take("+") { return 1 }
        if take("-") { return -1 }
        return nil
    }
}
