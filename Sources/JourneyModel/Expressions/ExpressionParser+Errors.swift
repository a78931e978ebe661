/// The parser's errors that try hardest to guess what the author meant.
///
/// Most mistakes in journey conditions are habits from other languages
/// (`AND`, `x not in list`) or forgotten quotes (`event.plan == premium`); the
/// hints here name the Waymark spelling.
extension ExpressionParser {
    /// Words that may appear where a name is read, for "did you mean" on a typo.
    private static let knownWords =
        ExpressionPath.Root.allCases.map(\.rawValue) + ["true", "false", "null", "and", "or", "not", "in"]

    /// An identifier that is neither a path root, a literal nor a function call.
    func unknownName(_ name: String, at offset: Int) -> ExpressionSyntaxError {
        if ["and", "or", "not", "in"].contains(name) {
            return ExpressionSyntaxError(
                "unexpected `\(name)`", hint: "expected a value before `\(name)`", at: offset)
        }
        let quote = name.contains("'") ? "\"" : "'"
        return ExpressionSyntaxError(
            "unknown name `\(name)`",
            hint: ExpressionSyntaxError.suggestion(
                closestMatch(to: name, in: Self.knownWords),
                otherwise: "paths start with `profile.`, `event.`, `journey.` or are `now`; "
                    + "text needs quotes: \(quote)\(name)\(quote)"),
            at: offset)
    }

    /// A token after a complete expression, where an operator or the end belongs.
    func unexpectedAfterValue() -> ExpressionSyntaxError {
        let token = current
        var hint = "expected an operator such as `and`, `==` or `+`, or the end of the expression"
        if let word = token.identifier {
            if word == "not", peek().identifier == "in" {
                hint = "write `not (x in list)`"
            } else if let keyword = ["and", "or", "not", "in"].first(where: { $0 == word.lowercased() }),
                keyword != word
            {
                hint = "did you mean `\(keyword)`?"
            }
        } else if case .rightParen = token.kind {
            hint = "this `)` has no `(` to close"
        } else if case .rightBracket = token.kind {
            hint = "this `]` has no `[` to close"
        }
        return ExpressionSyntaxError("unexpected \(token.quoted)", hint: hint, at: token.offset)
    }
}
