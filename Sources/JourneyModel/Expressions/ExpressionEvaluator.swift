import Foundation

extension Expression {
    /// The expression's value for one customer at one moment. Never fails and never
    /// traps: whatever cannot be computed is `null`.
    ///
    /// The rules, which the language documentation repeats:
    ///
    /// - **Paths.** A missing path is `null`. `profile.a.b` reads nested profile
    ///   attributes. `event.name` is the event's name and `event.a.b` its
    ///   properties (a property called `name` or `time` is hidden by the built-ins).
    ///   `event.time`, `journey.entered_at` and `now` are ISO-8601 UTC strings with
    ///   whole seconds, rounded down: `"2024-03-13T11:23:32Z"`. With no event, every
    ///   `event.…` path is `null`; `journey.id` is the journey's id.
    /// - **`==`, `!=`.** Deep equality of JSON values: numbers numerically (`1 == 1.0`),
    ///   lists element by element, objects key by key; `null == null` is true; values
    ///   of different types are unequal (`1 == "1"` is false).
    /// - **`<`, `<=`, `>`, `>=`.** Numbers numerically, strings by Unicode scalar order
    ///   (so ISO timestamps in the same form compare chronologically). Anything else,
    ///   including `null` or mixed types, is `false`, never an error.
    /// - **`and`, `or`, `not`.** Always `true` or `false`; an operand counts as true
    ///   only when it is exactly `true` (so `null`, `1` and `"yes"` count as false).
    ///   `and` and `or` stop at the left side when it decides the answer.
    /// - **`in`.** `x in list`: some element equals `x` (deep equality).
    ///   `x in string`: both are strings and `x` occurs in the string (by characters;
    ///   the empty string occurs in every string). Anything else is `false`.
    /// - **Arithmetic.** `+` adds numbers or joins two strings; `-`, `*`, `/` take
    ///   numbers only; any other operands (including `null`) give `null`, as do
    ///   division by zero and results too large to be finite. Unary `-` negates a
    ///   number; anything else gives `null`.
    /// - **Functions.** See ``ExpressionFunction``.
    public func evaluate(in context: EvaluationContext) -> JSONValue {
        root.evaluate(in: context)
    }

    /// Whether the expression, used as a condition, holds: only when its value is
    /// exactly `true`. `null`, numbers, strings and `false` all fail the condition,
    /// so a customer with a missing attribute never matches by accident.
    public func holds(in context: EvaluationContext) -> Bool {
        evaluate(in: context) == .bool(true)
    }
}

extension ExpressionNode {
    /// This node's value; see ``Expression/evaluate(in:)`` for the rules.
    public func evaluate(in context: EvaluationContext) -> JSONValue {
        ExpressionEvaluator(context: context).evaluate(self, depth: 0)
    }
}

/// Evaluates expression trees against one ``EvaluationContext``.
///
/// Parsed trees are at most ``ExpressionParser/maxDepth`` deep; trees built in code
/// or decoded from storage are not checked, so the evaluator has its own depth
/// limit (beyond it, a node is `null`) and cannot overflow the stack.
struct ExpressionEvaluator {
    static let maxDepth = 256

    let context: EvaluationContext

    func evaluate(_ node: ExpressionNode, depth: Int) -> JSONValue {
        guard depth < Self.maxDepth else { return .null }
        switch node {
        case .literal(let value):
            return value
        case .list(let elements):
            return .array(elements.map { evaluate($0, depth: depth + 1) })
        case .path(let path):
            return resolve(path)
        case .not(let operand):
            return .bool(evaluate(operand, depth: depth + 1) != .bool(true))
        case .negate(let operand):
            guard case .number(let value) = evaluate(operand, depth: depth + 1) else { return .null }
            return Self.number(-value)
        case .binary(let op, let left, let right):
            return binary(op, left, right, depth: depth + 1)
        case .call(let function, let arguments):
            return call(function, arguments, depth: depth + 1)
        }
    }

    private func binary(
        _ op: BinaryOperator, _ left: ExpressionNode, _ right: ExpressionNode, depth: Int
    ) -> JSONValue {
        switch op {
        case .and:
            guard evaluate(left, depth: depth) == .bool(true) else { return .bool(false) }
            return .bool(evaluate(right, depth: depth) == .bool(true))
        case .or:
            if evaluate(left, depth: depth) == .bool(true) { return .bool(true) }
            return .bool(evaluate(right, depth: depth) == .bool(true))
        default:
            break
        }
        let lhs = evaluate(left, depth: depth)
        let rhs = evaluate(right, depth: depth)
        switch op {
        case .equal: return .bool(Self.same(lhs, rhs))
        case .notEqual: return .bool(!Self.same(lhs, rhs))
        case .less: return .bool(Self.order(lhs, rhs) == .some(.less))
        case .lessOrEqual: return .bool(Self.order(lhs, rhs).map { $0 != .greater } ?? false)
        case .greater: return .bool(Self.order(lhs, rhs) == .some(.greater))
        case .greaterOrEqual: return .bool(Self.order(lhs, rhs).map { $0 != .less } ?? false)
        case .in: return .bool(Self.isMember(lhs, of: rhs))
        case .add:
            switch (lhs, rhs) {
            case (.number(let a), .number(let b)): return Self.number(a + b)
            case (.string(let a), .string(let b)): return .string(a + b)
            default: return .null
            }
        case .subtract, .multiply, .divide:
            guard case .number(let a) = lhs, case .number(let b) = rhs else { return .null }
            switch op {
            case .subtract: return Self.number(a - b)
            case .multiply: return Self.number(a * b)
            default: return b == 0 ? .null : Self.number(a / b)
            }
        case .and, .or:
            return .null  // handled above
        }
    }

    private func resolve(_ path: ExpressionPath) -> JSONValue {
        let components = path.components
        switch path.root {
        case .profile:
            return context.profile[path: components]
        case .event:
            guard let event = context.event else { return .null }
            switch (components.first, components.count) {
            case ("name", 1): return .string(event.name)
            case ("time", 1): return Self.timestamp(event.time)
            default: return event.properties[path: components]
            }
        case .journey:
            switch (components.first, components.count) {
            case ("entered_at", 1): return context.enteredAt.map(Self.timestamp) ?? .null
            case ("id", 1): return context.journeyID.map(JSONValue.string) ?? .null
            default: return .null
            }
        case .now:
            return components.isEmpty ? Self.timestamp(context.now) : .null
        }
    }

    // MARK: Value rules shared with the functions

    enum Order { case less, equal, greater }

    /// Numbers numerically, strings by Unicode scalar order; `nil` for anything else.
    static func order(_ lhs: JSONValue, _ rhs: JSONValue) -> Order? {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)):
            if a < b { return .less }
            if a > b { return .greater }
            return a == b ? .equal : nil
        case (.string(let a), .string(let b)):
            var left = a.unicodeScalars.makeIterator()
            var right = b.unicodeScalars.makeIterator()
            while true {
                switch (left.next(), right.next()) {
                case (nil, nil): return .equal
                case (nil, _): return .less
                case (_, nil): return .greater
                case (let x?, let y?) where x != y: return x.value < y.value ? .less : .greater
                default: continue
                }
            }
        default:
            return nil
        }
    }

    /// `value in container`: list membership, or substring when both are strings.
    static func isMember(_ value: JSONValue, of container: JSONValue) -> Bool {
        switch (value, container) {
        case (_, .array(let elements)): elements.contains { same(value, $0) }
        case (.string(let needle), .string(let haystack)): holds(haystack, needle)
        default: false
        }
    }

    /// A number result, or `null` when it is not finite (JSON has no infinity).
    static func number(_ value: Double) -> JSONValue {
        value.isFinite ? .number(value) : .null
    }

    /// A time as the language shows it: `"2024-03-13T11:23:32Z"`, or `null` when
    /// it is outside the years 0000–9999.
    static func timestamp(_ date: Date) -> JSONValue {
        ExpressionTimestamp.format(secondsSince1970: date.timeIntervalSince1970).map(JSONValue.string) ?? .null
    }
}
