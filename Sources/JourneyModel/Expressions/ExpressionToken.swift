/// One token of an expression, with the offset (in Unicode scalars) where it starts.
///
/// Keywords (`and`, `or`, `not`, `in`, `true`, `false`, `null`) are lexed as
/// identifiers and recognised by the parser, because after a `.` they are ordinary
/// attribute names (`event.in` reads the event property `in`).
struct ExpressionToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case number(Double)
        case string(String)
        case identifier(String)
        /// A symbolic operator: `== != < <= > >= + - * /`.
        case symbol(BinaryOperator)
        case leftParen, rightParen, leftBracket, rightBracket, comma, dot
        case end
    }

    var kind: Kind
    var offset: Int

    /// The identifier's text when this token is one, for keyword checks.
    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// How an error message names this token: "`)`", "the end of the expression".
    var quoted: String {
        switch kind {
        case .number(let value): "`\(JSONValue.format(value))`"
        case .string(let value): "`\(JSONValue.string(value))`"
        case .identifier(let name): "`\(name)`"
        case .symbol(let symbol): "`\(symbol.rawValue)`"
        case .leftParen: "`(`"
        case .rightParen: "`)`"
        case .leftBracket: "`[`"
        case .rightBracket: "`]`"
        case .comma: "`,`"
        case .dot: "`.`"
        case .end: "the end of the expression"
        }
    }
}
