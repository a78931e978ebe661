import Foundation

/// A small JSON parser over bytes, with the byte offset of any error so that
/// messages can name the column. It reads JSON Lines in the simulator and the
/// blobs the stores wrote: Foundation's `JSONDecoder` costs microseconds per small
/// object, several times this, and it keeps numbers and booleans apart.
public struct JSONScanner {
    public struct SyntaxError: Error, Sendable {
        public var message: String
        public var offset: Int
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    /// Whether a number too large for a `Double` (`1e400`) is an error rather than infinity.
    private var finiteNumbersOnly = false

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses the whole text as one value (surrounding spaces allowed). A key given twice in
    /// one object keeps its last value, as Python's and JavaScript's parsers do.
    ///
    /// `finiteNumbersOnly` refuses a number beyond a `Double`'s range, which JSON's grammar
    /// allows but no store can keep: the node's API asks for it, while event logs read the
    /// way Python reads them (infinity).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, finiteNumbersOnly: Bool = false) throws -> JSONValue {
        var scanner = JSONScanner(bytes)
        scanner.finiteNumbersOnly = finiteNumbersOnly
        let value = try scanner.value()
        scanner.skipSpaces()
        guard scanner.index == bytes.count else { throw SyntaxError(message: "unexpected text after the JSON value", offset: scanner.index) }
        return value
    }

    /// Parses a top-level object, remembering where each key's value starts (for messages about fields).
    public static func parseObject(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (fields: [String: JSONValue], offsets: [String: Int]) {
        var scanner = JSONScanner(bytes)
        scanner.skipSpaces()
        guard scanner.peek == UInt8(ascii: "{") else {
            throw SyntaxError(message: "expected a JSON object (`{…}`) on this line", offset: scanner.index)
        }
        var offsets: [String: Int] = [:]
        let fields = try scanner.object { key, offset in offsets[key] = offset }
        scanner.skipSpaces()
        guard scanner.index == bytes.count else { throw SyntaxError(message: "unexpected text after the JSON object", offset: scanner.index) }
        return (fields, offsets)
    }

    /// The number a text spells in JSON's grammar (`-12`, `3.5`, `1e6`), or nil. No `+`, no
    /// leading zeros (`007` and phone numbers like `+86…` stay text), no `NaN`/`inf`.
    /// Correctly rounded, as Foundation's parser is: whole numbers of up to 15 digits are
    /// exact in an `Int64` and a `Double`, the rest go through `Double(String)`.
    public static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = bytes.count
        guard count > 0 else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == 0x2D {
            negative = true
            index = 1
        }
        guard index < count else { return nil }
        let firstDigit = index
        var integer: Int64 = 0
        while index < count, bytes[index] &- 0x30 < 10 {
            if index - firstDigit < 18 { integer = integer * 10 + Int64(bytes[index] &- 0x30) }
            index += 1
        }
        let integerDigits = index - firstDigit
        guard integerDigits > 0 else { return nil }
        if integerDigits > 1 && bytes[firstDigit] == 0x30 { return nil }
        if index == count && integerDigits <= 15 {
            // `-0` is the double -0.0, as every JSON parser reads it, not the integer 0.
            return negative ? -Double(integer) : Double(integer)
        }
        if index < count, bytes[index] == 0x2E {
            index += 1
            let start = index
            while index < count, bytes[index] &- 0x30 < 10 { index += 1 }
            guard index > start else { return nil }
        }
        if index < count, bytes[index] | 0x20 == 0x65 {
            index += 1
            if index < count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            let start = index
            while index < count, bytes[index] &- 0x30 < 10 { index += 1 }
            guard index > start else { return nil }
        }
        guard index == count else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D || bytes[index] == 0x0A { index += 1 }
    }

    mutating func value() throws -> JSONValue {
        skipSpaces()
        guard let byte = peek else { throw SyntaxError(message: "expected a value, found the end of the text", offset: index) }
        switch byte {
        case UInt8(ascii: "{"): return .object(try object { _, _ in })
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    private mutating func object(_ noteKey: (String, Int) -> Void) throws -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        try readObject { scanner, key in
            scanner.skipSpaces()
            noteKey(key, scanner.index)
            fields[key] = try scanner.value()
        }
        return fields
    }

    private mutating func array() throws -> JSONValue {
        var values: [JSONValue] = []
        try readArray { values.append(try $0.value()) }
        return .array(values)
    }

    mutating func enter() throws {
        depth += 1
        guard depth <= 64 else { throw SyntaxError(message: "values nested more than 64 deep", offset: index) }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              (0..<count).allSatisfy({ bytes[index + $0] == word.utf8Start[$0] })
        else { throw SyntaxError(message: "unknown word: expected a value (a string in double quotes, a number, true, false or null)", offset: index) }
        index += count
        return value
    }

    mutating func number() throws -> JSONValue {
        let start = index
        while index < bytes.count, case let byte = bytes[index],
              byte &- 0x30 < 10 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e")
        {
            index += 1
        }
        guard index > start, let number = Self.number(UnsafeBufferPointer(rebasing: bytes[start..<index])) else {
            throw SyntaxError(message: "expected a value (a string in double quotes, a number, true, false or null)", offset: start)
        }
        if finiteNumbersOnly, !number.isFinite {
            throw SyntaxError(message: "a number too large for a 64-bit floating-point value", offset: start)
        }
        return .number(number)
    }

    mutating func string() throws -> String {
        let open = index
        index += 1
        let start = index
        var plain = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if plain {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                break
            }
            if byte == UInt8(ascii: "\\") {
                plain = false
                index += 2
                continue
            }
            if byte < 0x20 { throw SyntaxError(message: "a control character inside a string (escape it)", offset: index) }
            index += 1
        }
        guard index < bytes.count else { throw SyntaxError(message: "a string is not closed: a closing `\"` is missing", offset: open) }
        // Escapes: decode them one by one.
        index = start
        var output: [UInt8] = []
        while true {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: output, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { throw SyntaxError(message: "a string is not closed", offset: open) }
            let escaped = bytes[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""): output.append(0x22)
            case UInt8(ascii: "\\"): output.append(0x5C)
            case UInt8(ascii: "/"): output.append(0x2F)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: index - 2)
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= bytes.count, bytes[index] == 0x5C, bytes[index + 1] == UInt8(ascii: "u") {
                    index += 2
                    let low = try hex4(at: index - 2)
                    guard (0xDC00..<0xE000).contains(low) else { throw SyntaxError(message: "an unpaired surrogate in a \\u escape", offset: index - 2) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw SyntaxError(message: "an invalid \\u escape", offset: index - 2) }
                output.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw SyntaxError(message: "an unknown escape `\\\(Character(Unicode.Scalar(escaped)))` in a string", offset: index - 2)
            }
        }
    }

    private mutating func hex4(at escapeOffset: Int) throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw SyntaxError(message: "a \\u escape needs four hex digits", offset: escapeOffset) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw SyntaxError(message: "a \\u escape needs four hex digits", offset: escapeOffset)
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}
