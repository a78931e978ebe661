/// A combination in an expression that is certainly wrong, found before run time.
///
/// Unlike ``ExpressionSyntaxError`` the expression still runs (the evaluator turns
/// the wrong part into `null` or `false`), so the validator decides how loudly to
/// report it; the point is that the author almost certainly meant something else.
public struct ExpressionTypeIssue: Sendable, Hashable, CustomStringConvertible {
    /// What is wrong ("`-` needs numbers, but the left side is a string").
    public var message: String
    /// A likely fix, when there is one.
    public var hint: String?
    /// 0-based offset into the expression text, in Unicode scalars, like
    /// ``ExpressionSyntaxError/offset``.
    public var offset: Int

    public init(_ message: String, hint: String? = nil, at offset: Int) {
        self.message = message
        self.hint = hint
        self.offset = offset
    }

    public var description: String {
        var text = "offset \(offset): \(message)"
        if let hint { text += "\n    hint: \(hint)" }
        return text
    }
}
