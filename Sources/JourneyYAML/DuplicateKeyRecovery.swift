import JourneyModel
import Yams

/// Yams refuses a whole document when one map repeats a key, which would hide
/// every other problem of the file. This finds the repeated key in the text,
/// renames it (same length, so every other line and column stays put), and lets
/// the parse go on; the decoder then skips the renamed key without a word.
enum DuplicateKeyRecovery {
    /// How many repeated keys one file may have before the rest of it goes unchecked.
    static let maximumRepairs = 8

    /// Stand-in characters, one per repair, so two renamed keys never collide.
    private static let standIns: [Unicode.Scalar] = ["§", "¤", "¦", "¬", "µ", "¶", "ª", "º"]

    struct Repair {
        /// The text with the second occurrence of the key renamed.
        var text: String
        /// Where that second occurrence is (1-based), for the diagnostic and for the decoder to skip it.
        var line: Int
        var column: Int
    }

    /// The repaired text when the second occurrence of `key` after `first` (the mark Yams
    /// gives, of the first occurrence) can be found; nil otherwise.
    static func repair(_ text: String, key: String, first: Mark, attempt: Int) -> Repair? {
        guard attempt < standIns.count, !key.isEmpty else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        let keyScalars = Array(key.unicodeScalars)
        guard first.line >= 1, first.line <= lines.count else { return nil }
        let firstLine = lines[first.line - 1]
        let firstColumn = first.column - 1
        guard firstColumn >= 0, firstColumn <= firstLine.count else { return nil }
        let before = firstLine[..<firstColumn]
        let isBlock = before.allSatisfy { $0 == " " || $0 == "-" || $0 == "?" }
        guard let (line, column, keyStart) = isBlock
            ? nextBlockKey(keyScalars, lines: lines, after: first.line - 1, column: firstColumn)
            : nextFlowKey(keyScalars, lines: lines, line: first.line - 1, column: firstColumn)
        else { return nil }
        let standIn = Array(repeating: standIns[attempt], count: keyScalars.count)
        lines[line].replaceSubrange(keyStart..<(keyStart + keyScalars.count), with: standIn)
        let repaired = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
        return Repair(text: repaired, line: line + 1, column: column + 1)
    }

    /// `key` written at `index` of `line` as a map key: plain or quoted, then `:`.
    /// Returns where the key's own characters start.
    private static func keyStart(_ key: [Unicode.Scalar], in line: [Unicode.Scalar], at index: Int) -> Int? {
        var position = index
        var quote: Unicode.Scalar?
        if position < line.count, line[position] == "\"" || line[position] == "'" {
            quote = line[position]
            position += 1
        }
        guard position + key.count <= line.count, Array(line[position..<(position + key.count)]) == key else { return nil }
        var after = position + key.count
        if let quote {
            guard after < line.count, line[after] == quote else { return nil }
            after += 1
        }
        while after < line.count, line[after] == " " { after += 1 }
        guard after < line.count, line[after] == ":" else { return nil }
        return position
    }

    /// In a block map whose keys start at `column`: the next line at that indentation writing `key`.
    private static func nextBlockKey(_ key: [Unicode.Scalar], lines: [[Unicode.Scalar]], after firstLine: Int, column: Int) -> (Int, Int, Int)? {
        for index in (firstLine + 1)..<lines.count {
            let line = lines[index]
            let indentation = line.prefix { $0 == " " }.count
            guard indentation < line.count, line[indentation] != "#", line[indentation] != "\r" else { continue }
            if indentation < column { return nil }
            if indentation == column, let start = keyStart(key, in: line, at: column) { return (index, column, start) }
        }
        return nil
    }

    /// In a flow map `{ … }`: the next `key:` at the same depth, after a `,`.
    private static func nextFlowKey(_ key: [Unicode.Scalar], lines: [[Unicode.Scalar]], line firstLine: Int, column: Int) -> (Int, Int, Int)? {
        var depth = 0
        var quote: Unicode.Scalar?
        var afterComma = false
        var index = firstLine
        var position = column + key.count
        while index < lines.count {
            let line = lines[index]
            while position < line.count {
                let scalar = line[position]
                if let open = quote {
                    if scalar == open { quote = nil }
                } else if afterComma && depth == 0 && scalar != " ", let start = keyStart(key, in: line, at: position) {
                    return (index, position, start)
                } else {
                    switch scalar {
                    case "\"", "'": quote = scalar
                    case "{", "[": depth += 1
                    case "}", "]":
                        depth -= 1
                        if depth < 0 { return nil }
                    default: break
                    }
                }
                if scalar != " " { afterComma = quote == nil && scalar == "," && depth == 0 }
                position += 1
            }
            index += 1
            position = 0
        }
        return nil
    }
}
