import Foundation

extension LocalTime: CustomStringConvertible {
    /// Text for a validator hint after a time of day fails to parse.
    public static let syntaxHelp = "write a 24-hour time as HH:MM, from 00:00 to 23:59, e.g. \"09:30\" or \"21:00\""

    /// Reads a 24-hour wall-clock time, `H:MM` or `HH:MM`, from 00:00 to 23:59.
    ///
    /// The minutes always take two digits, so `9:5` is rejected rather than read
    /// as 09:05 or 09:50. `24:00` is rejected: quiet hours that end at midnight
    /// are written `to: "00:00"`. Seconds, spaces and `am`/`pm` are not accepted.
    public static func parse(_ text: String) -> LocalTime? {
        let bytes = Array(text.utf8)
        guard bytes.count == 4 || bytes.count == 5, bytes[bytes.count - 3] == UInt8(ascii: ":") else {
            return nil
        }
        func digit(_ byte: UInt8) -> Int? {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
        }
        var hour = 0
        for byte in bytes[..<(bytes.count - 3)] {
            guard let d = digit(byte) else { return nil }
            hour = hour * 10 + d
        }
        guard let tens = digit(bytes[bytes.count - 2]), let ones = digit(bytes[bytes.count - 1]) else { return nil }
        let minute = tens * 10 + ones
        guard hour < 24, minute < 60 else { return nil }
        return LocalTime(hour: hour, minute: minute)
    }

    /// `HH:MM` with leading zeros (`09:05`), the form `parse` reads back.
    public var description: String {
        let h = hour < 10 ? "0\(hour)" : "\(hour)"
        let m = minute < 10 ? "0\(minute)" : "\(minute)"
        return "\(h):\(m)"
    }

    /// Whether the fields name a real time of day (values built in code are not checked).
    public var isValid: Bool { (0..<24).contains(hour) && (0..<60).contains(minute) }
}
