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
    /// The bracket left open when a closing one was expected, and its offset: a front end
    /// that knows where the text sits in its file says where the bracket is there, as the
    /// ``hint`` can only say where it is in the expression.
    public var unclosed: Unclosed?

    /// A bracket that an expression opens and never closes.
    public struct Unclosed: Sendable, Hashable {
        public var bracket: String
        public var offset: Int

        /// The hint for it, given where the bracket is (`12:30`, or `character 5 of the expression`).
        public func hint(at place: String) -> String {
            "to close the `\(bracket)` at \(place)"
        }
    }

    public init(_ message: String, hint: String? = nil, unclosed: Unclosed? = nil, at offset: Int) {
        self.message = message
        self.hint = hint
        self.unclosed = unclosed
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
