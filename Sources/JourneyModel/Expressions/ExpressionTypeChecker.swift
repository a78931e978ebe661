/// Finds what is certainly wrong in an expression before any customer runs it.
///
/// The checker infers an ``ExpressionType`` for every node and reports only
/// combinations that fail for *every* possible value: `true + 1`, `'a' < 3`,
/// `lower(3)`, `x in 5`, a condition that is a number. Anything that could be right
/// at run time (every profile attribute and event property is ``ExpressionType/any``)
/// is left alone: a false alarm would teach authors to ignore the validator.
///
/// Once a part is reported, its type becomes ``ExpressionType/any`` so one mistake is
/// reported once, not again by every operator above it.
public struct ExpressionTypeChecker {
    var issues: [ExpressionTypeIssue] = []

    /// Every issue in `expression`, in the order they appear. With `expecting`, the
    /// expression's own type must be compatible with it: `.bool` for `where`, `when`,
    /// `segment` and `audience`, `.number` for `increment`.
    ///
    /// Offsets come from re-reading `expression.source`; for a tree built in code
    /// whose source does not parse to the same tree, every offset is 0.
    public static func check(
        _ expression: Expression, expecting expected: ExpressionType? = nil
    ) -> [ExpressionTypeIssue] {
        let parsed = try? ExpressionParser.parse(expression.source)
        let span = parsed.flatMap { $0.node == expression.root ? $0.span : nil }
        var checker = ExpressionTypeChecker()
        let type = checker.infer(expression.root, span, depth: 0)
        if let expected, !type.isCompatible(with: expected) {
            checker.report(mismatch: type, expected: expected, at: span?.start ?? 0)
        }
        return checker.issues
    }

    /// The static type of `expression`'s value (``ExpressionType/any`` when unknown).
    public static func type(of expression: Expression) -> ExpressionType {
        var checker = ExpressionTypeChecker()
        return checker.infer(expression.root, nil, depth: 0)
    }

    // MARK: Inference

    mutating func infer(_ node: ExpressionNode, _ span: ExpressionSpan?, depth: Int) -> ExpressionType {
        guard depth < ExpressionEvaluator.maxDepth else { return .any }
        let at = span?.anchor ?? 0
        switch node {
        case .literal(let value):
            return ExpressionType(of: value)
        case .list(let elements):
            for (index, element) in elements.enumerated() {
                _ = infer(element, span?.child(index), depth: depth + 1)
            }
            return .list
        case .path(let path):
            return ExpressionPathRules.type(of: path)
        case .not(let operand):
            let type = infer(operand, span?.child(0), depth: depth + 1)
            requireCondition(type, for: "`not`", side: "its operand", at: span?.child(0)?.start ?? at)
            return .bool
        case .negate(let operand):
            let type = infer(operand, span?.child(0), depth: depth + 1)
            guard type.isCertainlyNotNumber else { return .number }
            return issue("`-` needs a number, but this is \(type)", hint: Self.timeHint(type), at: at)
        case .binary(let op, let left, let right):
            let lhs = infer(left, span?.child(0), depth: depth + 1)
            let rhs = infer(right, span?.child(1), depth: depth + 1)
            let operands = Operands(
                lhs: lhs, rhs: rhs, left: left, right: right,
                leftAt: span?.child(0)?.start ?? at, rightAt: span?.child(1)?.start ?? at, operatorAt: at)
            return binary(op, operands)
        case .call(let function, let arguments):
            let types = arguments.enumerated().map { index, argument in
                infer(argument, span?.child(index), depth: depth + 1)
            }
            let offsets = arguments.indices.map { span?.child($0)?.start ?? at }
            return call(function, arguments, types, offsets, at: at)
        }
    }

    /// Both sides of a binary operator, with where each one is written.
    private struct Operands {
        var lhs, rhs: ExpressionType
        var left, right: ExpressionNode
        var leftAt, rightAt, operatorAt: Int
    }

    private mutating func binary(_ op: BinaryOperator, _ o: Operands) -> ExpressionType {
        let name = "`\(op.rawValue)`"
        switch op {
        case .and, .or:
            requireCondition(o.lhs, for: name, side: "its left side", at: o.leftAt)
            requireCondition(o.rhs, for: name, side: "its right side", at: o.rightAt)
            return .bool
        case .equal, .notEqual:
            if o.lhs != .null, o.rhs != .null, !o.lhs.isCompatible(with: o.rhs) {
                _ = issue(
                    "\(name) compares \(o.lhs) with \(o.rhs), which are never equal",
                    hint: Self.quoteHint(o.lhs, o.rhs), at: o.operatorAt)
            }
            return .bool
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            for (type, side, offset) in [(o.lhs, "left", o.leftAt), (o.rhs, "right", o.rightAt)]
            where [.bool, .list, .object, .null].contains(type) {
                let hint = type == .null ? "to test for a missing value, use `exists(…)` or `== null`" : nil
                _ = issue(
                    "\(name) compares numbers or strings, but its \(side) side is \(type); the result is always false",
                    hint: hint, at: offset)
                return .bool
            }
            if !o.lhs.isCompatible(with: o.rhs) {
                _ = issue(
                    "\(name) compares \(o.lhs) with \(o.rhs), which is always false",
                    hint: Self.timeHint(o.lhs) ?? Self.timeHint(o.rhs) ?? Self.quoteHint(o.lhs, o.rhs),
                    at: o.operatorAt)
            }
            return .bool
        case .in:
            if [.bool, .number, .object, .null].contains(o.rhs) {
                _ = issue(
                    "`in` needs a list or a string on its right, but this is \(o.rhs)",
                    hint: "for example `event.sku in ['A1', 'B2']`", at: o.rightAt)
            } else if o.rhs.isStringLike, o.lhs != .any, !o.lhs.isStringLike {
                _ = issue(
                    "`in` on a string looks for text, but its left side is \(o.lhs); the result is always false",
                    at: o.leftAt)
            }
            return .bool
        case .add:
            return arithmetic(name, o, allowsStrings: true)
        case .subtract, .multiply, .divide:
            if op == .divide, case .literal(.number(0)) = o.right {
                return issue("division by zero is always null", at: o.operatorAt)
            }
            return arithmetic(name, o, allowsStrings: false)
        }
    }

    /// `+` takes two numbers or two strings; `- * /` two numbers.
    private mutating func arithmetic(_ name: String, _ o: Operands, allowsStrings: Bool) -> ExpressionType {
        let allowed: (ExpressionType) -> Bool = { $0 == .number || $0 == .any || (allowsStrings && $0.isStringLike) }
        let wanted = allowsStrings ? "adds numbers or joins strings" : "needs numbers"
        if !allowed(o.lhs) {
            return issue("\(name) \(wanted), but its left side is \(o.lhs)", hint: Self.timeHint(o.lhs), at: o.leftAt)
        }
        if !allowed(o.rhs) {
            return issue("\(name) \(wanted), but its right side is \(o.rhs)", hint: Self.timeHint(o.rhs), at: o.rightAt)
        }
        if o.lhs == .number || o.rhs == .number {
            guard o.lhs.isStringLike || o.rhs.isStringLike else { return .number }
            return issue(
                "\(name) cannot combine \(o.lhs) with \(o.rhs); the result is always null",
                hint: Self.timeHint(o.lhs) ?? Self.timeHint(o.rhs) ?? "to join text, both sides must be strings",
                at: o.operatorAt)
        }
        if o.lhs.isStringLike || o.rhs.isStringLike { return .string }
        return allowsStrings ? .any : .number
    }
}
