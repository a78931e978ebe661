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
            error(
                "too-large", "the file expands to more than 100000 values here: aliases (`*name`) repeat whole values and can multiply without limit",
                hint: "write the values out instead of nesting aliases", at: node)
        }
        return false
    }
}
