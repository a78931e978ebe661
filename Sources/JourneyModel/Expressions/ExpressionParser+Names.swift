/// Function calls and paths: the parts of the grammar that check names against
/// what the language defines, so a typo is caught with a suggestion at parse time
/// rather than read as a `null` path at run time.
extension ExpressionParser {
    mutating func parseCall(_ name: String, at offset: Int) throws(ExpressionSyntaxError) -> Parsed {
        guard let function = ExpressionFunction(rawValue: name) else {
            if ExpressionPath.Root(rawValue: name) != nil {
                throw ExpressionSyntaxError(
                    "`\(name)` is not a function", hint: "write `\(name)` without parentheses", at: offset)
            }
            let names = ExpressionFunction.allCases.map(\.rawValue)
            throw ExpressionSyntaxError(
                "unknown function `\(name)`",
                hint: ExpressionSyntaxError.suggestion(
                    closestMatch(to: name, in: names),
                    otherwise: "the functions are " + names.map { "`\($0)`" }.joined(separator: ", ")),
                at: offset)
        }
        advance()
        let openedAt = current.offset
        advance()
        try enter(at: openedAt)
        defer { nesting -= 1 }
        let arguments = try parseSequence(closing: .rightParen, opener: "(", openedAt: openedAt)
        guard arguments.count == function.arity else {
            let expected = function.arity == 1 ? "1 argument" : "\(function.arity) arguments"
            throw ExpressionSyntaxError(
                "`\(name)` takes \(expected), not \(arguments.count)", hint: "write `\(function.usage)`", at: offset)
        }
        if function == .exists, !arguments[0].node.isPath {
            throw ExpressionSyntaxError(
                "`exists` needs a path, not a computed value",
                hint: "write `\(function.usage)`", at: arguments[0].span.start)
        }
        return try node(
            .call(function, arguments.map(\.node)), start: offset, children: arguments.map(\.span))
    }

    mutating func parsePath(_ name: String, at offset: Int) throws(ExpressionSyntaxError) -> Parsed {
        guard let root = ExpressionPath.Root(rawValue: name) else { throw unknownName(name, at: offset) }
        advance()
        var components: [(name: String, offset: Int)] = []
        while case .dot = current.kind {
            advance()
            guard let component = current.identifier else {
                throw ExpressionSyntaxError(
                    "expected a name after `.`, found \(current.quoted)", at: current.offset)
            }
            components.append((component, current.offset))
            advance()
        }
        try ExpressionPathRules.validate(root, components, rootOffset: offset)
        return (.path(ExpressionPath(root: root, components: components.map(\.name))), ExpressionSpan(start: offset))
    }
}
