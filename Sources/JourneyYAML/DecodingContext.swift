import JourneyModel
import Yams

/// The state of decoding one file: where nodes are, which problems were found,
/// and a budget that stops alias bombs from expanding without end.
///
/// A reference type because every decoding function appends to the same
/// diagnostics and source map; it never leaves the parse call.
final class DecodingContext {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var sourceMap: JourneySourceMap
    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    /// Nodes that may still be visited; YAML aliases can make a small file describe a huge tree.
    private var nodeBudget = 100_000
    private var budgetExhausted = false

    /// Keys renamed by ``DuplicateKeyRecovery``, as `line:column`: already reported, and skipped.
    private var skippedKeys: Set<String> = []

    func skipKey(line: Int, column: Int) {
        skippedKeys.insert("\(line):\(column)")
    }

    /// Whether `keyNode` is a repeated key that was renamed so the file could be read.
    func isSkipped(_ keyNode: Node) -> Bool {
        guard !skippedKeys.isEmpty, let mark = keyNode.mark else { return false }
        return skippedKeys.contains("\(mark.line):\(mark.column)")
    }

    /// Where the text first uses an alias (`*name`), for the message when aliases blow up.
    var firstAlias: SourceLocation?
    /// The file's text, to place a diagnostic inside a scalar (an expression's error).
    var sourcePositions: ScalarSourcePosition?

    init(file: String) {
        self.file = file
        self.sourceMap = JourneySourceMap(file: file)
    }

    func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    func record(_ path: String, _ node: Node) {
        guard let mark = node.mark else { return }
        sourceMap.record(path, line: mark.line, column: mark.column)
    }

    func error(_ code: String, _ message: String, hint: String? = nil, at node: Node) {
        diagnostics.append(.error(code, message, hint: hint, at: location(of: node)))
    }

    func error(_ code: String, _ message: String, hint: String? = nil, at location: SourceLocation) {
        diagnostics.append(.error(code, message, hint: hint, at: location))
    }

    func warning(_ code: String, _ message: String, hint: String? = nil, at node: Node) {
        diagnostics.append(.warning(code, message, hint: hint, at: location(of: node)))
    }

    /// Takes one node from the budget; false (with one diagnostic) once it is spent.
    func spendNode(_ node: Node) -> Bool {
        if nodeBudget > 0 {
            nodeBudget -= 1
            return true
        }
        if !budgetExhausted {
            budgetExhausted = true
            if let alias = firstAlias {
                error(
                    "too-large", "the file expands to more than 100000 values: aliases (`*name`), starting here, repeat whole values and can multiply without limit",
                    hint: "write the values out instead of nesting aliases", at: alias)
            } else {
                error("too-large", "the file holds more than 100000 values; a journey needs far fewer", hint: "move long lists of data out of the journey", at: node)
            }
        }
        return false
    }

    /// The first `*name` that stands where a value can start: after a space, `[`, `{`, `,`
    /// or at the start of a line. Rough (a `*word` inside a quoted string counts), and
    /// only used to point at a likely culprit.
    static func firstAlias(in text: String, file: String) -> SourceLocation? {
        var line = 1
        var column = 0
        var previous: Unicode.Scalar = "\n"
        var pendingStar = false
        var inComment = false
        for scalar in text.unicodeScalars {
            column += 1
            if pendingStar {
                if scalar != " " && scalar != "\n" && scalar != "," && scalar != "]" && scalar != "}" {
                    return SourceLocation(file: file, line: line, column: column - 1)
                }
                pendingStar = false
            }
            if scalar == "\n" {
                line += 1
                column = 0
                inComment = false
            } else if !inComment {
                if scalar == "#" && (previous == " " || previous == "\n") { inComment = true }
                if scalar == "*" && " [{,\n".unicodeScalars.contains(previous) { pendingStar = true }
            }
            previous = scalar
        }
        return nil
    }
}
