/// The language's functions: what each one computes, and how to call it.
///
/// - `exists(path)`: `true` when the path's value is not `null` (a present
///   attribute holding `false`, `0` or `""` exists).
/// - `contains(list_or_string, value)`: the same as `value in list_or_string`.
/// - `days_since(time)`, `hours_since(time)`: the fractional number of days
///   (86 400 s) or hours between `time` and `now`, positive for times in the past.
///   `time` is an ISO-8601 string (`2024-03-13T11:23:32Z`, with a `+08:00` offset,
///   or with no zone meaning UTC; optional fractional seconds; a bare date
///   `2024-03-13` meaning midnight UTC; a space instead of `T`) or a number of
///   seconds since 1970 (Unix time). Anything else gives `null`.
/// - `lower(s)`, `upper(s)`: the string in lower or upper case (Unicode rules, no
///   locale); `null` for anything but a string.
extension ExpressionFunction {
    /// How the function is called, for hints: `contains(list_or_string, value)`.
    public var usage: String {
        switch self {
        case .exists: "exists(profile.email)"
        case .contains: "contains(list_or_string, value)"
        case .daysSince: "days_since(time)"
        case .hoursSince: "hours_since(time)"
        case .lower: "lower(string)"
        case .upper: "upper(string)"
        }
    }

    /// The static type of the function's result.
    public var resultType: ExpressionType {
        switch self {
        case .exists, .contains: .bool
        case .daysSince, .hoursSince: .number
        case .lower, .upper: .string
        }
    }
}

extension ExpressionEvaluator {
    /// Applies `function`; a wrong number of arguments (possible only in a tree built
    /// in code, the parser rejects it) gives `null`.
    func call(_ function: ExpressionFunction, _ arguments: [ExpressionNode], depth: Int) -> JSONValue {
        guard arguments.count == function.arity else { return .null }
        let values = arguments.map { evaluate($0, depth: depth) }
        switch function {
        case .exists:
            return .bool(!values[0].isNull)
        case .contains:
            return .bool(Self.isMember(values[1], of: values[0]))
        case .daysSince:
            return elapsed(since: values[0], unit: 86_400)
        case .hoursSince:
            return elapsed(since: values[0], unit: 3_600)
        case .lower:
            return values[0].stringValue.map { .string($0.lowercased()) } ?? .null
        case .upper:
            return values[0].stringValue.map { .string($0.uppercased()) } ?? .null
        }
    }

    /// `(now - time) / unit` for an ISO-8601 string or Unix seconds; `null` otherwise.
    private func elapsed(since time: JSONValue, unit: Double) -> JSONValue {
        let seconds: Double
        switch time {
        case .number(let value):
            seconds = value
        case .string(let text):
            guard let value = ExpressionTimestamp.parse(text) else { return .null }
            seconds = value
        default:
            return .null
        }
        return Self.number((context.now.timeIntervalSince1970 - seconds) / unit)
    }
}
