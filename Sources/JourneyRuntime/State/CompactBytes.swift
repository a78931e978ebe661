import Foundation
import JourneyModel

/// Appends the primitives of ``CompactCustomerState``'s format: LEB128 varints,
/// zig-zag signed integers, raw IEEE doubles, and strings that are either one
/// byte (a well-known key), a packed ISO-8601 timestamp, or UTF-8 with a length.
///
/// Exactness matters more than size: every value must decode to one that
/// compares equal, so doubles keep their bit patterns and dates keep the
/// reference-date interval `Date` itself stores.
struct CompactWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func unsigned(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func signed(_ value: Int) {
        let value = Int64(value)
        unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func count(_ value: Int) { unsigned(UInt64(value)) }

    mutating func double(_ value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    mutating func date(_ value: Date) { double(value.timeIntervalSinceReferenceDate) }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// A string: `0` + length + UTF-8, `1 + index` for a well-known key,
    /// or the reserved marker + 14 digits packed in a varint for `YYYY-MM-DDTHH:MM:SSZ`.
    mutating func string(_ value: String) {
        if let index = CompactStrings.index[value] {
            unsigned(UInt64(index) + 1)
        } else if let digits = CompactStrings.timestampDigits(value) {
            unsigned(CompactStrings.timestampMarker)
            unsigned(digits)
        } else {
            var value = value
            value.withUTF8 { utf8 in
                bytes.append(0)
                count(utf8.count)
                bytes.append(contentsOf: utf8)
            }
        }
    }

    mutating func optional<Value>(_ value: Value?, _ write: (inout CompactWriter, Value) -> Void) {
        guard let value else { return bytes.append(0) }
        bytes.append(1)
        write(&self, value)
    }
}

/// Reads what ``CompactWriter`` wrote. The bytes never leave the process that wrote
/// them, so malformed input is a bug, not bad data: reading past the end traps.
struct CompactReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() -> UInt8 {
        precondition(offset < bytes.count, "compact customer state ends early")
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func unsigned() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = byte()
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    mutating func signed() -> Int {
        let raw = unsigned()
        return Int(Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
    }

    mutating func count() -> Int { Int(unsigned()) }

    mutating func double() -> Double {
        var bits: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) { bits |= UInt64(byte()) << UInt64(shift) }
        return Double(bitPattern: bits)
    }

    mutating func date() -> Date { Date(timeIntervalSinceReferenceDate: double()) }

    mutating func bool() -> Bool { byte() != 0 }

    mutating func string() -> String {
        let tag = unsigned()
        if tag == CompactStrings.timestampMarker { return CompactStrings.timestamp(fromDigits: unsigned()) }
        if tag > 0 { return CompactStrings.table[Int(tag) - 1] }
        let length = count()
        precondition(offset + length <= bytes.count, "compact customer state ends inside a string")
        defer { offset += length }
        return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
    }

    mutating func optional<Value>(_ read: (inout CompactReader) -> Value) -> Value? {
        byte() == 0 ? nil : read(&self)
    }
}

/// The strings a customer's state repeats most: the profile's reserved keys, the keys
/// of event counters, common identities and event properties. Each costs one byte
/// instead of its spelling. The bytes never leave the process that wrote them, so
/// the table may change between releases.
enum CompactStrings {
    static let table: [String] = [
        "first_seen_at", "last_seen_at", "acquisition_channel", "events", "count", "last_at",
        "purchase_count", "total_spent", "consent", "tags", "timezone", "email", "phone",
        "wechat_openid", "device_id", "name", "city", "tier", "value", "revenue", "channel",
        "sku", "category", "order_id", "product_id", "holdout",
    ]
    static let index: [String: Int] = Dictionary(uniqueKeysWithValues: table.enumerated().map { ($1, $0) })
    /// The tag after the table's indices: a packed timestamp follows.
    static let timestampMarker = UInt64(table.count) + 1

    /// `YYYY-MM-DDTHH:MM:SSZ` (what ``Timestamp/format(_:)`` writes for years 0–9999) as the
    /// number whose decimal digits are those 14 digits; nil for any other string.
    static func timestampDigits(_ text: String) -> UInt64? {
        var text = text
        return text.withUTF8 { utf8 -> UInt64? in
            guard utf8.count == 20 else { return nil }
            var digits: UInt64 = 0
            for (position, byte) in utf8.enumerated() {
                switch position {
                case 4, 7: guard byte == UInt8(ascii: "-") else { return nil }
                case 10: guard byte == UInt8(ascii: "T") else { return nil }
                case 13, 16: guard byte == UInt8(ascii: ":") else { return nil }
                case 19: guard byte == UInt8(ascii: "Z") else { return nil }
                default:
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                }
            }
            return digits
        }
    }

    static func timestamp(fromDigits packed: UInt64) -> String {
        var digits = [UInt8](repeating: 0, count: 14)
        var rest = packed
        for index in stride(from: 13, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        for (index, digit) in digits.enumerated() {
            switch index {
            case 4, 6: bytes.append(UInt8(ascii: "-"))
            case 8: bytes.append(UInt8(ascii: "T"))
            case 10, 12: bytes.append(UInt8(ascii: ":"))
            default: break
            }
            bytes.append(digit)
        }
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
