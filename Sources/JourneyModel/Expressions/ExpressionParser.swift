extension Expression {
    /// Reads an expression of the journey language.
    ///
    /// Precedence, loosest first: `or`, `and`, `not`, comparisons
    /// (`== != < <= > >= in`, which do not chain), `+ -`, `* /`, unary `-`, then
    /// literals, lists, parentheses, function calls and paths. Operators of equal
    /// precedence group left to right (`a - b - c` is `(a - b) - c`).
    ///
    /// The first problem found is thrown, with its offset and, when a likely fix is
    /// known, a hint. Text longer than ``ExpressionParser/maxLength`` scalars or nested
    /// deeper than ``ExpressionParser/maxDepth`` levels is rejected, so a hostile
    /// expression costs an error, never a stack overflow in the parser, checker or
    /// evaluator.
    public static func parse(_ text: String) throws(ExpressionSyntaxError) -> Expression {
        Expression(source: text, root: try ExpressionParser.parse(text).node)
    }
}

/// A recursive-descent parser over ``ExpressionToken``s, one method per precedence level.
///
/// Alongside each ``ExpressionNode`` it builds an ``ExpressionSpan`` (the node's
/// position in the text) so the type checker can point at the right column.
struct ExpressionParser {
    /// Longest expression text accepted, in Unicode scalars. Long enough for a
    /// list of a few thousand SKUs; anything longer belongs in a profile attribute.
    static let maxLength = 16_384
    /// Deepest tree accepted, counting both nesting (parentheses, lists, calls, `not`,
    /// unary `-`) and chains (`a and b and c …` is a tree as deep as it is long).
    static let maxDepth = 64

    typealias Parsed = (node: ExpressionNode, span: ExpressionSpan)

    private let tokens: [ExpressionToken]
    private var index = 0
    var nesting = 0

    static func parse(_ text: String) throws(ExpressionSyntaxError) -> Parsed {
        let length = text.unicodeScalars.count
        guard length <= maxLength else {
            throw ExpressionSyntaxError(
                "the expression is too long (\(length) characters; at most \(maxLength))",
                hint: "split it into simpler conditions or keep long lists in a profile attribute", at: maxLength)
        }
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokenize(text))
        if case .end = parser.current.kind {
            throw ExpressionSyntaxError(
                "the expression is empty", hint: "write a condition such as `profile.age >= 18`", at: 0)
        }
        let result = try parser.parseOr()
        guard case .end = parser.current.kind else { throw parser.unexpectedAfterValue() }
        return result
    }

    private init(tokens: [ExpressionToken]) {
        self.tokens = tokens
    }

    // MARK: Precedence levels

    private mutating func parseOr() throws(ExpressionSyntaxError) -> Parsed {
        var left = try parseAnd()
        while let anchor = takeKeyword("or") {
            let right = try parseAnd()
            left = try binary(.or, left, right, anchor: anchor)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionSyntaxError) -> Parsed {
        var left = try parseNot()
        while let anchor = takeKeyword("and") {
            let right = try parseNot()
            left = try binary(.and, left, right, anchor: anchor)
        }
        return left
    }

    private mutating func parseNot() throws(ExpressionSyntaxError) -> Parsed {
        guard let start = takeKeyword("not") else { return try parseComparison() }
        try enter(at: start)
        defer { nesting -= 1 }
        let operand = try parseNot()
        return try node(.not(operand.node), start: start, children: [operand.span])
    }

    private mutating func parseComparison() throws(ExpressionSyntaxError) -> Parsed {
        let left = try parseAdditive()
        guard let comparison = comparisonOperator(current) else { return left }
        let anchor = current.offset
        advance()
        let right = try parseAdditive()
        if comparisonOperator(current) != nil {
            throw ExpressionSyntaxError(
                "comparisons cannot be chained",
                hint: "combine two comparisons with `and`, for example `18 <= profile.age and profile.age < 65`",
                at: current.offset)
        }
        return try binary(comparison, left, right, anchor: anchor)
    }

    private mutating func parseAdditive() throws(ExpressionSyntaxError) -> Parsed {
        var left = try parseMultiplicative()
        while case .symbol(let symbol) = current.kind, symbol == .add || symbol == .subtract {
            let anchor = current.offset
            advance()
            let right = try parseMultiplicative()
            left = try binary(symbol, left, right, anchor: anchor)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(ExpressionSyntaxError) -> Parsed {
        var left = try parseUnary()
        while case .symbol(let symbol) = current.kind, symbol == .multiply || symbol == .divide {
            let anchor = current.offset
            advance()
            let right = try parseUnary()
            left = try binary(symbol, left, right, anchor: anchor)
        }
        return left
    }

    /// Unary minus. A minus before a number literal is folded into the literal, so
    /// `-3` is the number −3 (and `[-1, 2]` a list of literals), not an operation.
    private mutating func parseUnary() throws(ExpressionSyntaxError) -> Parsed {
        guard case .symbol(.subtract) = current.kind else { return try parsePrimary() }
        let start = current.offset
        advance()
        try enter(at: start)
        defer { nesting -= 1 }
        let operand = try parseUnary()
        if case .literal(.number(let value)) = operand.node {
            return (.literal(.number(-value)), ExpressionSpan(start: start))
        }
        return try node(.negate(operand.node), start: start, children: [operand.span])
    }

    private mutating func parsePrimary() throws(ExpressionSyntaxError) -> Parsed {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return (.literal(.number(value)), ExpressionSpan(start: token.offset))
        case .string(let value):
            advance()
            return (.literal(.string(value)), ExpressionSpan(start: token.offset))
        case .leftParen:
            advance()
            try enter(at: token.offset)
            defer { nesting -= 1 }
            var inner = try parseOr()
            try expect(.rightParen, closing: "(", openedAt: token.offset, orComma: false)
            inner.span.start = token.offset
            return inner
        case .leftBracket:
            advance()
            try enter(at: token.offset)
            defer { nesting -= 1 }
            let elements = try parseSequence(closing: .rightBracket, opener: "[", openedAt: token.offset)
            return try node(.list(elements.map(\.node)), start: token.offset, children: elements.map(\.span))
        case .identifier(let name):
            switch name {
            case "true", "false":
                advance()
                return (.literal(.bool(name == "true")), ExpressionSpan(start: token.offset))
            case "null":
                advance()
                return (.literal(.null), ExpressionSpan(start: token.offset))
            default:
                if case .leftParen = peek().kind { return try parseCall(name, at: token.offset) }
                return try parsePath(name, at: token.offset)
            }
        default:
            throw ExpressionSyntaxError(
                token.kind == .end ? "the expression ends too soon" : "unexpected \(token.quoted)",
                hint: "expected a value: a number, a 'string', a path such as `profile.age`, or `(`",
                at: token.offset)
        }
    }

    // MARK: Helpers

    /// Comma-separated expressions up to `closing`; a trailing comma is allowed.
    mutating func parseSequence(
        closing: ExpressionToken.Kind, opener: String, openedAt: Int
    ) throws(ExpressionSyntaxError) -> [Parsed] {
        var items: [Parsed] = []
        while current.kind != closing {
            items.append(try parseOr())
            guard case .comma = current.kind else { break }
            advance()
        }
        try expect(closing, closing: opener, openedAt: openedAt, orComma: true)
        return items
    }

    private mutating func expect(
        _ kind: ExpressionToken.Kind, closing opener: String, openedAt: Int, orComma: Bool
    ) throws(ExpressionSyntaxError) {
        guard current.kind == kind else {
            let wanted = (orComma ? "`,` or " : "") + ExpressionToken(kind: kind, offset: 0).quoted
            let unclosed = ExpressionSyntaxError.Unclosed(bracket: opener, offset: openedAt)
            throw ExpressionSyntaxError(
                "expected \(wanted), found \(current.quoted)",
                hint: unclosed.hint(at: "character \(openedAt + 1) of the expression"), unclosed: unclosed, at: current.offset)
        }
        advance()
    }

    private mutating func binary(
        _ op: BinaryOperator, _ left: Parsed, _ right: Parsed, anchor: Int
    ) throws(ExpressionSyntaxError) -> Parsed {
        try node(
            .binary(op, left.node, right.node), start: left.span.start, anchor: anchor,
            children: [left.span, right.span])
    }

    func node(
        _ node: ExpressionNode, start: Int, anchor: Int? = nil, children: [ExpressionSpan]
    ) throws(ExpressionSyntaxError) -> Parsed {
        let span = ExpressionSpan(start: start, anchor: anchor, children: children)
        guard span.depth <= Self.maxDepth else { throw Self.tooDeep(at: anchor ?? start) }
        return (node, span)
    }

    /// Bounds the recursion itself: `((((…` would otherwise recurse before any node exists.
    mutating func enter(at offset: Int) throws(ExpressionSyntaxError) {
        nesting += 1
        guard nesting <= Self.maxDepth else { throw Self.tooDeep(at: offset) }
    }

    private static func tooDeep(at offset: Int) -> ExpressionSyntaxError {
        ExpressionSyntaxError(
            "the expression is nested too deeply (more than \(maxDepth) levels)",
            hint: "split it into simpler conditions", at: offset)
    }

    var current: ExpressionToken { tokens[index] }

    func peek() -> ExpressionToken { tokens[min(index + 1, tokens.count - 1)] }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    /// Consumes `keyword` if it is the current token and returns its offset.
    private mutating func takeKeyword(_ keyword: String) -> Int? {
        guard current.identifier == keyword else { return nil }
        defer { advance() }
        return current.offset
    }

    private static let comparisons: Set<BinaryOperator> = [
        .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
    ]

    private func comparisonOperator(_ token: ExpressionToken) -> BinaryOperator? {
        switch token.kind {
        case .symbol(let symbol) where Self.comparisons.contains(symbol): symbol
        case .identifier("in"): .in
        default: nil
        }
    }
}
