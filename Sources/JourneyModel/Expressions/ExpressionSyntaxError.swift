/// Why an expression could not be read, and where.
///
/// The validator turns this into a `FILE:LINE:COLUMN` diagnostic: it knows where
/// the expression text starts in the YAML file and adds ``offset`` to the column.
/// For that reason ``offset`` counts Unicode scalars (code points), which is what a
/// YAML column counts; for ordinary text that is the same as counting characters.
public struct ExpressionSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in the author's terms ("unknown function `lowr`").
    public var message: String
    /// A likely fix ("did you mean `lower`?"), when there is one.
    public var hint: String?
    /// 0-based offset into the expression text where the problem is; the text's
    /// length when the problem is that the expression ended too soon.
    public var offset: Int

    public init(_ message: String, hint: String? = nil, at offset: Int) {
        self.message = message
        self.hint = hint
        self.offset = offset
    }

    /// `offset N: message`, then the hint on its own line, for logs and test failures.
    public var description: String {
        var text = "offset \(offset): \(message)"
        if let hint { text += "\n    hint: \(hint)" }
        return text
    }
}

extension ExpressionSyntaxError {
    /// Turns a "did you mean" suggestion into a hint, or falls back to `otherwise`.
    static func suggestion(_ match: String?, otherwise: String? = nil) -> String? {
        match.map { "did you mean `\($0)`?" } ?? otherwise
    }
}
