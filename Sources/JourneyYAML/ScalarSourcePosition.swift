import Yams

/// Where a character of a scalar's *value* was written in the file.
///
/// An expression's errors are found at an offset in the parsed value, but YAML
/// rewrites a scalar on the way in: quotes and escapes (`''`, `\"`, `\u00e9`)
/// take several source characters for one of the value, line breaks of a
/// multi-line scalar fold into a space or a newline, and a block scalar (`|`,
/// `>`) starts on the line after its indicator with its indentation removed.
/// This walks the source as YAML reads it, counting value characters, so the
/// column points at the character the message is about.
///
/// Every answer is checked: the source character found must be the value's own
/// (escapes aside). When the walk cannot tell, the caller falls back to the
/// scalar's start: a less precise position is fine, a wrong one is not.
struct ScalarSourcePosition {
    let lines: [[Unicode.Scalar]]

    init(text: String) {
        // By scalars: as a `Character`, "\r\n" is one, and would not split on "\n".
        lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            Array(line.last == "\r" ? line.dropLast() : line)
        }
    }

    /// The 1-based line and column of value character `offset` of `scalar`, which starts
    /// at `line`:`column` (its mark); nil when it cannot be told for sure. An offset at the
    /// end of the value (an expression that "ends too soon") is just after its last character.
    func locate(offset: Int, in scalar: Node.Scalar, line: Int, column: Int) -> (line: Int, column: Int)? {
        let value = Array(scalar.string.unicodeScalars)
        guard offset >= 0, offset <= value.count, !value.isEmpty, line >= 1, line <= lines.count else { return nil }
        if offset == value.count {
            guard let last = walk(to: offset - 1, of: scalar, value: value, line: line, column: column) else { return nil }
            return (last.line + 1, last.index + width(at: last, style: scalar.style) + 1)
        }
        return walk(to: offset, of: scalar, value: value, line: line, column: column).map { ($0.line + 1, $0.index + 1) }
    }

    private struct Walk {
        var line: Int
        var index: Int
        let block: Node.Scalar.Style?
        let indent: Int
    }

    /// The walk stopped on value character `offset`, checked against the source.
    private func walk(to offset: Int, of scalar: Node.Scalar, value: [Unicode.Scalar], line: Int, column: Int) -> Walk? {
        var walk: Walk
        switch scalar.style {
        case .literal, .folded:
            guard let start = blockStart(after: line) else { return nil }
            walk = Walk(line: start.line, index: start.indent, block: scalar.style, indent: start.indent)
        case .singleQuoted, .doubleQuoted:
            walk = Walk(line: line - 1, index: column, block: nil, indent: 0)
        case .plain, .any:
            walk = Walk(line: line - 1, index: column - 1, block: nil, indent: 0)
        }
        for _ in 0..<offset {
            guard advance(&walk, style: scalar.style) else { return nil }
        }
        // On a line break (folded into a space or kept as a newline) there is no character to show.
        guard walk.line < lines.count, walk.index < endOfContent(lines[walk.line], block: walk.block != nil) else { return nil }
        let written = lines[walk.line][walk.index]
        // Escapes are the one place the source differs from the value by design.
        let escaped = scalar.style == .doubleQuoted && written == "\\" || scalar.style == .singleQuoted && written == "'"
        guard written == value[offset] || escaped else { return nil }
        return walk
    }

    /// Moves past one value character: the one under the walk, or the line break it stands on.
    private func advance(_ walk: inout Walk, style: Node.Scalar.Style) -> Bool {
        guard walk.line < lines.count else { return false }
        if walk.index < endOfContent(lines[walk.line], block: walk.block != nil) {
            walk.index += width(at: walk, style: style)
            return true
        }
        return nextContentLine(&walk)
    }

    /// Source characters of the value character under the walk: two for `''` and most
    /// escapes, more for `\x`, `\u` and `\U`.
    private func width(at walk: Walk, style: Node.Scalar.Style) -> Int {
        let line = lines[walk.line]
        if style == .singleQuoted, line[walk.index] == "'" { return 2 }
        guard style == .doubleQuoted, line[walk.index] == "\\", walk.index + 1 < line.count else { return 1 }
        switch line[walk.index + 1] {
        case "x": return 4
        case "u": return 6
        case "U": return 10
        default: return 2
        }
    }

    /// Where a line's content ends: flow scalars drop the spaces before a line break.
    private func endOfContent(_ line: [Unicode.Scalar], block: Bool) -> Int {
        if block { return line.count }
        var end = line.count
        while end > 0, line[end - 1] == " " || line[end - 1] == "\t" { end -= 1 }
        return end
    }

    /// Steps over a line break to the first content character of the next line; false at the
    /// end of the file or before empty lines.
    private func nextContentLine(_ walk: inout Walk) -> Bool {
        var next = walk.line + 1
        var empty = 0
        while next < lines.count, lines[next].allSatisfy({ $0 == " " || $0 == "\t" }) {
            empty += 1
            next += 1
        }
        guard next < lines.count else { return false }
        // A break alone is one value character (a space when folded, a newline when kept).
        // Empty lines between make it several, and which depends on the style: not worth
        // guessing for an expression, so the caller falls back to the scalar's start.
        if empty > 0 { return false }
        walk.line = next
        if walk.block != nil {
            walk.index = walk.indent
        } else {
            walk.index = lines[next].firstIndex { $0 != " " && $0 != "\t" } ?? 0
        }
        return true
    }

    /// The first content line of a block scalar whose indicator is on `line`, and its indentation.
    private func blockStart(after line: Int) -> (line: Int, indent: Int)? {
        var next = line
        while next < lines.count {
            let content = lines[next]
            if let indent = content.firstIndex(where: { $0 != " " }) { return (next, indent) }
            next += 1
        }
        return nil
    }
}
