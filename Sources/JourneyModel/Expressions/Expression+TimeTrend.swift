/// How an expression's value moves as `now` moves forward while everything
/// else it reads (profile, event, journey) stays as it is.
///
/// The interpreter uses it for segment rechecks: a segment condition whose
/// truth can only go from false to true as time passes (`days_since(…) > 30`)
/// holds at a future recheck exactly when it holds at every later one, so the
/// first recheck that would let a customer in can be found by bisection instead
/// of by waking the customer on every recheck. The analysis is syntactic and
/// conservative: anything it cannot prove is ``unknown``, and then every
/// recheck happens as scheduled.
public enum TimeTrend: Sendable, Hashable {
    /// The same at every instant.
    case constant
    /// Never goes down as time passes (for a condition: once true, true for good).
    case rising
    /// Never goes up as time passes (for a condition: once false, false for good).
    case falling
    /// Anything else, or not provable.
    case unknown

    var reversed: TimeTrend {
        switch self {
        case .rising: .falling
        case .falling: .rising
        case .constant, .unknown: self
        }
    }

    /// The trend of a combination that moves with both operands in the same direction.
    func combined(with other: TimeTrend) -> TimeTrend {
        switch (self, other) {
        case (.constant, _): other
        case (_, .constant): self
        case (.rising, .rising): .rising
        case (.falling, .falling): .falling
        default: .unknown
        }
    }
}

extension Expression {
    /// How the condition's truth (``holds(in:)``) moves with time; see ``TimeTrend``.
    public var truthTrend: TimeTrend { root.truthTrend }
}

extension ExpressionNode {
    /// How "this node is exactly `true`" moves with time.
    var truthTrend: TimeTrend {
        switch self {
        case .not(let operand):
            return operand.truthTrend.reversed
        case .binary(.and, let left, let right), .binary(.or, let left, let right):
            // Both are monotone in the operands' truths: true stays true as operands rise.
            return left.truthTrend.combined(with: right.truthTrend)
        case .binary(let op, let left, let right):
            switch op {
            case .greater, .greaterOrEqual:
                return Self.comparisonTrend(left.valueTrend, right.valueTrend)
            case .less, .lessOrEqual:
                return Self.comparisonTrend(right.valueTrend, left.valueTrend)
            default:
                return valueTrend == .constant ? .constant : .unknown
            }
        default:
            return valueTrend == .constant ? .constant : .unknown
        }
    }

    /// `bigger > smaller` (or `>=`): rises when the bigger side rises or the smaller falls.
    /// A side that is `null` or of another type makes the comparison false at every
    /// instant, which is constant and so agrees with any trend.
    private static func comparisonTrend(_ bigger: ValueTrend, _ smaller: ValueTrend) -> TimeTrend {
        bigger.trend.combined(with: smaller.trend.reversed)
    }

    /// How the node's value moves with time, for values that are ordered the way
    /// the language compares them (numbers, and ISO timestamps of `now`).
    var valueTrend: ValueTrend {
        switch self {
        case .literal:
            return .constant
        case .path(let path):
            // `now` is the only path that changes with time; its text sorts like time.
            // (Past the year 9999 it becomes null; predictions never reach that far.)
            guard path.root == .now else { return .constant }
            return path.components.isEmpty ? ValueTrend(trend: .rising, isNumber: false) : .constant
        case .list(let elements):
            return elements.allSatisfy({ $0.valueTrend == .constant }) ? .constant : .unknown
        case .not, .binary(.and, _, _), .binary(.or, _, _):
            return truthTrend == .constant ? .constant : .unknown
        case .negate(let operand):
            let value = operand.valueTrend
            return value.isNumber ? ValueTrend(trend: value.trend.reversed, isNumber: true) : Self.unlessConstant(value)
        case .binary(let op, let left, let right):
            return Self.arithmeticTrend(op, left.valueTrend, right.valueTrend, left: left, right: right)
        case .call(let function, let arguments):
            let constantArguments = arguments.allSatisfy { $0.valueTrend == .constant }
            switch function {
            case .daysSince, .hoursSince:
                // (now - time) / unit for a time that does not move: a number that only grows.
                return constantArguments ? ValueTrend(trend: .rising, isNumber: true) : .unknown
            case .exists, .contains, .lower, .upper:
                return constantArguments ? .constant : .unknown
            }
        }
    }

    private static func unlessConstant(_ value: ValueTrend) -> ValueTrend {
        value == .constant ? .constant : .unknown
    }

    private static func arithmeticTrend(
        _ op: BinaryOperator, _ lhs: ValueTrend, _ rhs: ValueTrend, left: ExpressionNode, right: ExpressionNode
    ) -> ValueTrend {
        if lhs == .constant, rhs == .constant { return .constant }
        switch op {
        case .add where lhs.isNumber && rhs == .constant, .subtract where lhs.isNumber && rhs == .constant:
            return lhs
        case .add where rhs.isNumber && lhs == .constant:
            return rhs
        case .subtract where rhs.isNumber && lhs == .constant:
            return ValueTrend(trend: rhs.trend.reversed, isNumber: true)
        case .multiply where lhs.isNumber, .divide where lhs.isNumber:
            // Scaling by a positive literal keeps the direction, by a negative one reverses it.
            guard case .literal(.number(let factor)) = right, factor != 0 else { return .unknown }
            return ValueTrend(trend: factor > 0 ? lhs.trend : lhs.trend.reversed, isNumber: true)
        case .multiply where rhs.isNumber:
            guard case .literal(.number(let factor)) = left, factor != 0 else { return .unknown }
            return ValueTrend(trend: factor > 0 ? rhs.trend : rhs.trend.reversed, isNumber: true)
        default:
            return .unknown
        }
    }
}

/// A value's ``TimeTrend``, and whether a moving value is a number (arithmetic keeps
/// the direction of numbers only).
struct ValueTrend: Hashable {
    var trend: TimeTrend
    var isNumber: Bool

    static let constant = ValueTrend(trend: .constant, isNumber: false)
    static let unknown = ValueTrend(trend: .unknown, isNumber: false)

    static func == (lhs: ValueTrend, rhs: ValueTrend) -> Bool {
        // A constant is a constant whatever its type.
        lhs.trend == rhs.trend && (lhs.trend == .constant || lhs.isNumber == rhs.isNumber)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(trend)
        if trend != .constant { hasher.combine(isNumber) }
    }
}

extension Expression {
    /// The expression with every part that does not move with time computed once in
    /// `context` (and the times given to `days_since` / `hours_since` read once): the same
    /// value as the original at every `now`, for a context that differs only in `now`.
    /// What a search over many instants evaluates.
    public func fixingTimeInvariantParts(in context: EvaluationContext) -> Expression {
        Expression(source: source, root: root.fixingTimeInvariantParts(in: context))
    }
}

extension ExpressionNode {
    func fixingTimeInvariantParts(in context: EvaluationContext) -> ExpressionNode {
        if case .literal = self { return self }
        if valueTrend == .constant { return .literal(evaluate(in: context)) }
        switch self {
        case .literal, .path:
            return self
        case .list(let elements):
            return .list(elements.map { $0.fixingTimeInvariantParts(in: context) })
        case .not(let operand):
            return .not(operand.fixingTimeInvariantParts(in: context))
        case .negate(let operand):
            return .negate(operand.fixingTimeInvariantParts(in: context))
        case .binary(let op, let left, let right):
            return .binary(op, left.fixingTimeInvariantParts(in: context), right.fixingTimeInvariantParts(in: context))
        case .call(let function, let arguments):
            let fixed = arguments.map { $0.fixingTimeInvariantParts(in: context) }
            // A timestamp read once: `days_since` takes Unix seconds as well as text.
            if function == .daysSince || function == .hoursSince, fixed.count == 1, case .literal(.string(let text)) = fixed[0] {
                return .call(function, [.literal(ExpressionTimestamp.parse(text).map(JSONValue.number) ?? .null)])
            }
            return .call(function, fixed)
        }
    }
}
