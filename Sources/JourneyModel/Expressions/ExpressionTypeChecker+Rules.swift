/// The checker's rules for function calls and conditions, and the wording of its
/// issues.
extension ExpressionTypeChecker {
    mutating func call(
        _ function: ExpressionFunction, _ arguments: [ExpressionNode], _ types: [ExpressionType],
        _ offsets: [Int], at offset: Int
    ) -> ExpressionType {
        let name = "`\(function.rawValue)`"
        // The parser guarantees these two; a tree built in code may not.
        guard arguments.count == function.arity else {
            return issue(
                "\(name) takes \(function.arity) argument(s), not \(arguments.count)",
                hint: "write `\(function.usage)`", at: offset)
        }
        if function == .exists, !arguments[0].isPath {
            return issue("`exists` needs a path", hint: "write `\(function.usage)`", at: offsets[0])
        }
        switch function {
        case .exists:
            break
        case .contains:
            if [.bool, .number, .object, .null].contains(types[0]) {
                return issue(
                    "`contains` needs a list or a string first, but this is \(types[0])",
                    hint: "write `\(function.usage)`", at: offsets[0])
            }
            if types[0].isStringLike, types[1] != .any, !types[1].isStringLike {
                return issue(
                    "`contains` on a string looks for text, but this is \(types[1]); the result is always false",
                    at: offsets[1])
            }
        case .daysSince, .hoursSince:
            if [.bool, .list, .object, .null].contains(types[0]) {
                return issue(
                    "\(name) needs a time (an ISO-8601 string or Unix seconds), but this is \(types[0])",
                    hint: "write `\(function.usage)`", at: offsets[0])
            }
            if case .literal(.string(let text)) = arguments[0], ExpressionTimestamp.parse(text) == nil {
                return issue(
                    "\(name) cannot read \(JSONValue.string(text)) as a time",
                    hint: "write an ISO-8601 time such as '2024-03-13T11:23:32Z' or a date such as '2024-03-13'",
                    at: offsets[0])
            }
        case .lower, .upper:
            if types[0] != .any, !types[0].isStringLike {
                return issue("\(name) needs a string, but this is \(types[0])", at: offsets[0])
            }
        }
        return function.resultType
    }

    /// `and`, `or` and `not` treat anything but `true` as false, so an operand that is
    /// certainly not a boolean makes the condition constant: almost surely a mistake.
    mutating func requireCondition(_ type: ExpressionType, for name: String, side: String, at offset: Int) {
        guard type != .bool, type != .any else { return }
        _ = issue("\(name) needs conditions, but \(side) is \(type)", hint: Self.conditionHint(type), at: offset)
    }

    mutating func report(mismatch type: ExpressionType, expected: ExpressionType, at offset: Int) {
        if expected == .bool {
            _ = issue(
                "a condition must be true or false, but this is \(type)", hint: Self.conditionHint(type), at: offset)
        } else {
            _ = issue("expected \(expected), but this is \(type)", at: offset)
        }
    }

    /// Records an issue and returns ``ExpressionType/any``, so the operators above do
    /// not report the same mistake again.
    mutating func issue(_ message: String, hint: String? = nil, at offset: Int) -> ExpressionType {
        issues.append(ExpressionTypeIssue(message, hint: hint, at: offset))
        return .any
    }

    static func conditionHint(_ type: ExpressionType) -> String? {
        switch type {
        case .number: "compare it, for example `profile.age + 1 > 18`"
        case .string, .time: "compare it, for example `event.name == 'purchase'`"
        case .list: "test membership, for example `event.sku in ['A1', 'B2']`"
        default: nil
        }
    }

    static func timeHint(_ type: ExpressionType) -> String? {
        type == .time ? "for elapsed time, use `days_since(…)` or `hours_since(…)`" : nil
    }

    static func quoteHint(_ lhs: ExpressionType, _ rhs: ExpressionType) -> String? {
        guard Set([lhs, rhs]) == [.number, .string] else { return nil }
        return "a number in quotes is a string: write both with quotes or both without"
    }
}

extension ExpressionSpan {
    /// The span of the child at `index`, when the tree has one there.
    func child(_ index: Int) -> ExpressionSpan? {
        children.indices.contains(index) ? children[index] : nil
    }
}
