import Foundation

extension JourneyDuration: CustomStringConvertible {
    /// Text for a validator hint after a duration fails to parse.
    public static let syntaxHelp = "write a positive whole number and a unit: 30s, 15m, 2h, 3d, 1w (a day is 24 hours)"

    /// The units a duration may be written in, largest first so that printing picks
    /// the largest unit that divides the length exactly.
    static let units: [(suffix: UInt8, name: Character, seconds: Int64)] = [
        (UInt8(ascii: "w"), "w", 604_800),
        (UInt8(ascii: "d"), "d", 86_400),
        (UInt8(ascii: "h"), "h", 3_600),
        (UInt8(ascii: "m"), "m", 60),
        (UInt8(ascii: "s"), "s", 1),
    ]

    /// Reads `^[0-9]+(s|m|h|d|w)$` exactly: no sign, spaces, decimals, upper-case
    /// units or compound forms (`1h30m`; write `90m`).
    ///
    /// Zero is rejected. Every place a duration appears needs a positive length: a
    /// zero `timeout` or `within` could never be met, a zero `per` makes a
    /// frequency cap meaningless, and `wait: 0s` would be a wait that does not
    /// wait, defeating the rule that a loop must pass a wait. Lengths whose seconds
    /// overflow `Int64` are rejected too.
    public static func parse(_ text: String) -> JourneyDuration? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, let unit = units.first(where: { $0.suffix == bytes[bytes.count - 1] }) else {
            return nil
        }
        var value: Int64 = 0
        for byte in bytes.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            value = next
        }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: unit.seconds)
        guard value > 0, !overflow else { return nil }
        return JourneyDuration(seconds: seconds)
    }

    /// The canonical spelling, in the largest unit that divides the length exactly:
    /// `120m` prints as `2h`, `90m` stays `90m`, `14d` prints as `2w`. Parsing the
    /// result gives the same duration back. Zero prints as `0s` and a negative
    /// length (never parsed, but constructible) with a leading `-`.
    public var description: String {
        if seconds == 0 { return "0s" }
        let magnitude = seconds.magnitude
        let unit = Self.units.first(where: { magnitude % UInt64($0.seconds) == 0 })!
        let sign = seconds < 0 ? "-" : ""
        return "\(sign)\(magnitude / UInt64(unit.seconds))\(unit.name)"
    }

    /// The length as a `TimeInterval`, for adding to a `Date`.
    public var timeInterval: TimeInterval { TimeInterval(seconds) }
}
