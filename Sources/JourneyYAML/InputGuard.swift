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

    /// The file's text, or the reason it cannot be a journey file.
    static func text(of data: Data, file: String) -> Result<String, Diagnostic> {
        let top = SourceLocation(file: file, line: 1, column: 1)
        if data.count > maximumBytes {
            return .failure(.error(
                "file-too-large",
                "file is \(data.count) bytes; a journey file may be at most \(maximumBytes) bytes (1 MiB)",
                hint: "split the journey, or move large data into templates", at: top))
        }
        if let nul = data.firstIndex(of: 0) {
            return .failure(.error(
                "binary-file", "file is not text: it contains a NUL byte at offset \(nul - data.startIndex)",
                hint: "journey files are UTF-8 YAML", at: top))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return .failure(.error("not-utf8", "file is not valid UTF-8 text", hint: "journey files are UTF-8 YAML", at: top))
        }
        if isBlank(text) {
            return .failure(.error(
                "empty-file", "file is empty; a journey needs at least `journey`, `entry` and `steps`", at: top))
        }
        if let location = excessiveNesting(in: text, file: file) {
            return .failure(.error(
                "too-deeply-nested", "nesting is deeper than \(maximumFlowDepth) levels",
                hint: "journey files never need this much nesting", at: location))
        }
        return .success(text)
    }

    /// True when the text holds nothing but white space and comments.
    static func isBlank(_ text: String) -> Bool {
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            if !trimmed.isEmpty && !trimmed.hasPrefix("#") && trimmed != "---" && trimmed != "..." { return false }
        }
        return true
    }

    /// The first place where flow collections (`[`, `{`) or block indentation nest too deeply.
    /// Quotes and comments are skipped roughly; a false alarm needs absurd input.
    static func excessiveNesting(in text: String, file: String) -> SourceLocation? {
        var depth = 0
        var line = 1
        var column = 0
        var quote: UInt8? = nil
        var atLineStart = true
        var indent = 0
        var inComment = false
        for byte in text.utf8 {
            column += 1
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
                atLineStart = true
                indent = 0
                inComment = false
                continue
            }
            if inComment { continue }
            if atLineStart {
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") {
                    indent += 1
                    // Block nesting: one level needs at least one more column of indentation.
                    if indent > maximumFlowDepth * 8 { return SourceLocation(file: file, line: line, column: column) }
                    continue
                }
                atLineStart = false
            }
            if let open = quote {
                if byte == open { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = byte
            case UInt8(ascii: "#"): inComment = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumFlowDepth { return SourceLocation(file: file, line: line, column: column) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }
}
