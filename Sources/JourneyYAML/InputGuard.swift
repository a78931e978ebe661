import Foundation
import JourneyModel

/// Cheap checks on raw bytes before a YAML parser sees them, so that a huge,
/// binary or pathologically nested file is refused with a clear message
/// instead of exhausting memory or the stack.
enum InputGuard {
    /// Journey files are hand-written; anything larger is not one.
    static let maximumBytes = 1 << 20
    /// Deeper than any journey needs, far shallower than the stack allows.
    static let maximumFlowDepth = 64
    /// Block nesting: each level needs at least one more column of indentation.
    static let maximumIndentation = maximumFlowDepth * 8

    enum Nesting { case flow, indentation }

    /// The file's text, or the reason it cannot be a journey file.
    static func text(of data: Data, file: String) -> Result<String, Diagnostic> {
        let top = SourceLocation(file: file, line: 1, column: 1)
        if data.count > maximumBytes {
            return .failure(tooLarge(size: data.count, at: top))
        }
        if let nul = data.firstIndex(of: 0) {
            return .failure(.error(
                "binary-file", "file is not text: it contains a NUL byte at offset \(nul - data.startIndex)",
                hint: "journey files are UTF-8 YAML", at: top))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let (offset, location) = firstInvalidUTF8(in: data, file: file)
            let byte = String(data[data.startIndex + offset], radix: 16, uppercase: true)
            return .failure(.error(
                "not-utf8", "file is not valid UTF-8 text: byte 0x\(byte.count == 1 ? "0" + byte : byte) cannot start or continue a character here",
                hint: "save the file as UTF-8 (it may have been saved as Latin-1, GBK or UTF-16)", at: location))
        }
        if isBlank(text) {
            return .failure(.error(
                "empty-file", "file is empty; a journey needs at least `journey`, `entry` and `steps`", at: top))
        }
        if let (location, kind) = excessiveNesting(in: text, file: file) {
            let message = switch kind {
            case .flow: "brackets (`[`, `{`) nest deeper than \(maximumFlowDepth) levels"
            case .indentation: "indentation goes deeper than \(maximumIndentation) columns"
            }
            return .failure(.error("too-deeply-nested", message, hint: "journey files never need this much nesting; is this a journey file?", at: location))
        }
        return .success(text)
    }

    static func tooLarge(size: Int, at location: SourceLocation) -> Diagnostic {
        .error(
            "file-too-large", "file is \(size) bytes; a journey file may be at most \(maximumBytes) bytes (1 MiB)",
            hint: "this is not a hand-written journey; split the journey, or move long texts into templates", at: location)
    }

    /// True when the text holds nothing but white space and comments.
    static func isBlank(_ text: String) -> Bool {
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            if !trimmed.isEmpty && !trimmed.hasPrefix("#") && trimmed != "---" && trimmed != "..." { return false }
        }
        return true
    }

    /// Where the first byte that is not UTF-8 is: its offset, and its line and column
    /// (columns counted in characters, as YAML counts them).
    static func firstInvalidUTF8(in data: Data, file: String) -> (Int, SourceLocation) {
        var decoder = UTF8()
        var iterator = data.makeIterator()
        var offset = 0
        var line = 1
        var column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput, .error:
                return (min(offset, max(0, data.count - 1)), SourceLocation(file: file, line: line, column: column))
            }
        }
    }

    /// The first place where flow collections (`[`, `{`) or block indentation nest too deeply.
    ///
    /// Quotes and comments are skipped the way YAML reads them, roughly: a quote opens
    /// a string only where a value can start (so the apostrophe in `don't` does not hide
    /// what follows), `\"` inside a double-quoted string does not close it, and `#`
    /// starts a comment only at the start of a line or after a space. A false alarm
    /// needs 65 unbalanced brackets in a string.
    static func excessiveNesting(in text: String, file: String) -> (SourceLocation, Nesting)? {
        var depth = 0
        var line = 1
        var column = 0
        var quote: UInt8? = nil
        var escaped = false
        var atLineStart = true
        var indent = 0
        var inComment = false
        // The last byte that was not a space: a quote after one of `:`, `-`, `[`, `{`, `,`, `?` or at a line's start opens a string.
        var previous: UInt8 = UInt8(ascii: "\n")
        var previousWasSpace = true
        for byte in text.utf8 {
            // Columns count characters: continuation bytes of a UTF-8 sequence do not move.
            if byte & 0xC0 != 0x80 { column += 1 }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
                // Inside a quoted string that goes on across lines, indentation means nothing.
                atLineStart = quote == nil
                indent = 0
                inComment = false
                previous = byte
                previousWasSpace = true
                continue
            }
            if inComment { continue }
            if atLineStart {
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "?") {
                    indent += 1
                    if indent > maximumIndentation { return (SourceLocation(file: file, line: line, column: column), .indentation) }
                    if byte != UInt8(ascii: " ") { previous = byte }
                    previousWasSpace = byte == UInt8(ascii: " ")
                    continue
                }
                atLineStart = false
            }
            if let open = quote {
                if escaped {
                    escaped = false
                } else if open == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == open {
                    quote = nil
                    previous = byte
                }
                continue
            }
            let isSpace = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                if "\n:-[{,?".utf8.contains(previous) && (previousWasSpace || "[{,\n".utf8.contains(previous)) { quote = byte }
            case UInt8(ascii: "#"):
                if previousWasSpace { inComment = true }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumFlowDepth { return (SourceLocation(file: file, line: line, column: column), .flow) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default: break
            }
            if !isSpace { previous = byte }
            previousWasSpace = isSpace
        }
        return nil
    }
}
