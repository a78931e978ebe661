import Foundation
import JourneyModel

/// Splits a byte stream into RFC 4180 records: fields separated by commas,
/// records by LF or CRLF, fields optionally in double quotes (which may hold
/// commas, line breaks and doubled quotes). Holds at most one chunk plus the
/// record being read, whatever the size of the file.
struct CSVScanner {
    /// One field of the current record: a range of the scanner's buffer.
    struct Field {
        var start: Int
        var end: Int
        var quoted: Bool
        /// Whether the quoted text holds doubled quotes to undouble.
        var escapes: Bool
        var line: Int
        /// Buffer index where the field's line begins (for the column).
        var lineStart: Int
        var isEmpty: Bool { start == end }
    }

    /// A malformed record: what is wrong and where.
    struct SyntaxError: Error {
        var message: String
        var line: Int
        var column: Int
    }

    private let chunks: ByteChunks
    private(set) var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    /// The line at `position`.
    private var line = 1
    private var first = true

    init(chunks: ByteChunks) {
        self.chunks = chunks
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// The next record's fields, `[]` for a blank line, nil at the end of the input.
    /// A syntax error skips the record and is thrown; the scanner can go on after it.
    mutating func next(into fields: inout [Field]) throws -> Bool? {
        fields.removeAll(keepingCapacity: true)
        guard let end = try recordEnd() else { return nil }
        let recordStart = position
        let recordLine = line
        defer {
            // Move past the record whatever happens, counting its line breaks.
            var index = recordStart
            while index < end {
                if buffer[index] == 0x0A { line += 1 }
                index += 1
            }
            position = end
        }
        var contentEnd = end
        if contentEnd > recordStart, buffer[contentEnd - 1] == 0x0A { contentEnd -= 1 }
        if contentEnd > recordStart, buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        if contentEnd == recordStart { return true }
        try split(recordStart..<contentEnd, line: recordLine, into: &fields)
        return true
    }

    /// The column (1-based, in characters) of a buffer index on a line that starts at `lineStart`.
    func column(of index: Int, lineStart: Int) -> Int {
        var column = 1
        var cursor = lineStart
        while cursor < index && cursor < buffer.count {
            if buffer[cursor] & 0xC0 != 0x80 { column += 1 }
            cursor += 1
        }
        return column
    }

    func column(of field: Field) -> Int {
        column(of: field.quoted ? field.start - 1 : field.start, lineStart: field.lineStart)
    }

    func string(_ field: Field) -> String {
        buffer.withUnsafeBufferPointer { bytes in
            let slice = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
            guard field.escapes else { return String(decoding: slice, as: UTF8.self) }
            var undoubled: [UInt8] = []
            undoubled.reserveCapacity(slice.count)
            var index = 0
            while index < slice.count {
                undoubled.append(slice[index])
                index += slice[index] == 0x22 ? 2 : 1
            }
            return String(decoding: undoubled, as: UTF8.self)
        }
    }

    /// Runs `body` over the raw bytes of a field (no undoubling: for numbers and times).
    func withBytes<T>(_ field: Field, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[field.start..<field.end])) }
    }

    /// Index just past the current record (its line break included), reading more input as needed.
    private mutating func recordEnd() throws -> Int? {
        if first {
            first = false
            _ = try chunks.read(into: &buffer)
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
        var state = State.fieldStart
        var index = position
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { bytes in
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    switch state {
                    case .fieldStart:
                        if byte == 0x22 { state = .quoted } else if byte == 0x0A { return index } else if byte != 0x2C { state = .unquoted }
                    case .unquoted:
                        if byte == 0x2C { state = .fieldStart } else if byte == 0x0A { return index }
                    case .quoted:
                        if byte == 0x22 { state = .quoteInQuoted }
                    case .quoteInQuoted:
                        if byte == 0x22 { state = .quoted } else if byte == 0x2C { state = .fieldStart } else if byte == 0x0A { return index } else { state = .unquoted }
                    }
                }
                return nil
            }
            if let found { return found }
            if exhausted { return position < buffer.count ? buffer.count : nil }
            // Keep the partial record, drop what was read before it, and read on.
            if position > 0 {
                buffer.removeSubrange(0..<position)
                index -= position
                position = 0
            }
            if try !chunks.read(into: &buffer) { exhausted = true }
        }
    }

    private func split(_ range: Range<Int>, line startLine: Int, into fields: inout [Field]) throws {
        var line = startLine
        var lineStart = range.lowerBound
        var index = range.lowerBound
        let end = range.upperBound
        try buffer.withUnsafeBufferPointer { bytes in
            while true {
                let fieldLine = line
                let fieldLineStart = lineStart
                if index < end, bytes[index] == 0x22 {
                    let open = index
                    index += 1
                    let start = index
                    var escapes = false
                    var closed = false
                    while index < end {
                        let byte = bytes[index]
                        if byte == 0x22 {
                            if index + 1 < end, bytes[index + 1] == 0x22 {
                                escapes = true
                                index += 2
                                continue
                            }
                            closed = true
                            break
                        }
                        if byte == 0x0A {
                            line += 1
                            lineStart = index + 1
                        }
                        index += 1
                    }
                    guard closed else {
                        throw SyntaxError(message: "a quoted field is not closed: a closing `\"` is missing", line: fieldLine, column: column(of: open, lineStart: fieldLineStart))
                    }
                    fields.append(Field(start: start, end: index, quoted: true, escapes: escapes, line: fieldLine, lineStart: fieldLineStart))
                    index += 1
                    if index < end, bytes[index] != 0x2C {
                        throw SyntaxError(message: "unexpected text after a quoted field's closing `\"`: a field is either all in quotes or has none", line: line, column: column(of: index, lineStart: lineStart))
                    }
                } else {
                    let start = index
                    while index < end, bytes[index] != 0x2C {
                        if bytes[index] == 0x22 {
                            throw SyntaxError(message: "a `\"` inside an unquoted field: put the whole field in quotes and double the quote (`\"\"`)", line: line, column: column(of: index, lineStart: lineStart))
                        }
                        index += 1
                    }
                    fields.append(Field(start: start, end: index, quoted: false, escapes: false, line: fieldLine, lineStart: fieldLineStart))
                }
                if index >= end { return }
                index += 1  // the comma
                if index == end {
                    fields.append(Field(start: end, end: end, quoted: false, escapes: false, line: line, lineStart: lineStart))
                    return
                }
            }
        }
    }
}
