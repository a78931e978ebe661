/// Reading a document whose shape the reader knows, field by field, without building a
/// ``JSONValue`` for the parts it maps to its own types.
///
/// It also reads exactly what a `JSONValue` cannot carry: an integer beyond 2⁵³, which a
/// `Double` rounds. The stores' snapshots hold timer tokens of 2⁶³ and above (segment
/// rechecks set the top bit), so they were read with `JSONDecoder` until this existed.
///
/// Each `read…` skips the spaces before its value and throws ``SyntaxError`` when the next
/// value is not of its kind; a caller that meets a value it did not expect can give up and
/// hand the whole text to `JSONDecoder`, which reports the problem in its own terms.
///
/// `readObject` and `readArray` are the scanner's one walk of objects and lists: building a
/// `JSONValue` (`object`, `array`) goes through them too.
extension JSONScanner {
    /// Reads an object, calling `member` with each key in turn; `member` must read that key's value.
    public mutating func readObject(_ member: (inout JSONScanner, String) throws -> Void) throws {
        try readContainer(
            open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), expected: "expected an object",
            unclosed: "expected `,` or `}` in an object"
        ) { scanner in
            scanner.skipSpaces()
            guard scanner.peek == UInt8(ascii: "\"") else { throw SyntaxError(message: "expected a key in double quotes", offset: scanner.index) }
            let key = try scanner.string()
            scanner.skipSpaces()
            guard scanner.peek == UInt8(ascii: ":") else { throw SyntaxError(message: "expected `:` after the key \"\(key)\"", offset: scanner.index) }
            scanner.index += 1
            try member(&scanner, key)
        }
    }

    /// Reads a list, calling `element` once per element; `element` must read it.
    public mutating func readArray(_ element: (inout JSONScanner) throws -> Void) throws {
        try readContainer(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), expected: "expected a list", unclosed: "expected `,` or `]` in a list", element)
    }

    /// The walk objects and lists share: the opening byte, items separated by commas (each read
    /// by `item`), the closing byte, one level of nesting counted while inside.
    private mutating func readContainer(
        open: UInt8, close: UInt8, expected: String, unclosed: String, _ item: (inout JSONScanner) throws -> Void
    ) throws {
        skipSpaces()
        guard peek == open else { throw SyntaxError(message: expected, offset: index) }
        try enter()
        defer { depth -= 1 }
        index += 1
        skipSpaces()
        if peek == close {
            index += 1
            return
        }
        while true {
            try item(&self)
            skipSpaces()
            if peek == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard peek == close else { throw SyntaxError(message: unclosed, offset: index) }
            index += 1
            return
        }
    }

    /// Any value, as ``parse(_:finiteNumbersOnly:)`` reads one.
    public mutating func readValue() throws -> JSONValue {
        try value()
    }

    public mutating func readString() throws -> String {
        skipSpaces()
        guard peek == UInt8(ascii: "\"") else { throw SyntaxError(message: "expected a string", offset: index) }
        return try string()
    }

    public mutating func readBool() throws -> Bool {
        switch try value() {
        case .bool(let flag): return flag
        default: throw SyntaxError(message: "expected true or false", offset: index)
        }
    }

    /// A number, rounded to a `Double` as Foundation rounds it.
    public mutating func readNumber() throws -> Double {
        skipSpaces()
        guard let byte = peek, byte == UInt8(ascii: "-") || byte &- 0x30 < 10,
            case .number(let number) = try self.number()
        else { throw SyntaxError(message: "expected a number", offset: index) }
        return number
    }

    /// Consumes a `null` and returns true; leaves any other value for the next read.
    public mutating func readNull() throws -> Bool {
        skipSpaces()
        guard peek == UInt8(ascii: "n") else { return false }
        _ = try value()
        return true
    }

    /// A whole number written as one (`-12`, not `-12.0` or `1e3`), exactly: up to 2⁶⁴ − 1,
    /// and down to −2⁶³. Anything else, or out of that range, throws.
    public mutating func readInteger() throws -> (negative: Bool, magnitude: UInt64) {
        skipSpaces()
        let start = index
        let negative = peek == UInt8(ascii: "-")
        if negative { index += 1 }
        let firstDigit = index
        var magnitude: UInt64 = 0
        while index < bytes.count, case let digit = bytes[index] &- 0x30, digit < 10 {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow, !carry else { throw SyntaxError(message: "a whole number beyond 64 bits", offset: start) }
            magnitude = sum
            index += 1
        }
        let digits = index - firstDigit
        guard digits > 0, digits == 1 || bytes[firstDigit] != 0x30 else { throw SyntaxError(message: "expected a whole number", offset: start) }
        if let next = peek, next == UInt8(ascii: ".") || next | 0x20 == UInt8(ascii: "e") || next == UInt8(ascii: "-") || next == UInt8(ascii: "+") {
            throw SyntaxError(message: "expected a whole number, without a fraction or an exponent", offset: start)
        }
        if negative, magnitude > UInt64(Int64.max) + 1 { throw SyntaxError(message: "a whole number beyond 64 bits", offset: start) }
        return (negative, magnitude)
    }

    /// Throws unless only spaces are left.
    public mutating func readEnd() throws {
        skipSpaces()
        guard index == bytes.count else { throw SyntaxError(message: "unexpected text after the JSON value", offset: index) }
    }
}
