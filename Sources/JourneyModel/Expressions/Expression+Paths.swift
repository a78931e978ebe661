extension Expression {
    /// Every path the expression reads, in the order written. The validator uses it to warn
    /// about reads that can only be null where the expression is used (`event.…` in a segment
    /// or an audience, which no event is part of).
    public var paths: [ExpressionPath] {
        var found: [ExpressionPath] = []
        root.collectPaths(into: &found)
        return found
    }
}

extension ExpressionNode {
    fileprivate func collectPaths(into found: inout [ExpressionPath]) {
        switch self {
        case .literal:
            break
        case .path(let path):
            found.append(path)
        case .list(let elements), .call(_, let elements):
            for element in elements { element.collectPaths(into: &found) }
        case .not(let operand), .negate(let operand):
            operand.collectPaths(into: &found)
        case .binary(_, let left, let right):
            left.collectPaths(into: &found)
            right.collectPaths(into: &found)
        }
    }
}
