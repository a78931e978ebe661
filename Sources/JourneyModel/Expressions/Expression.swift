/// A parsed expression of the journey language (`where`, `when`, `segment`,
/// `audience`, `set`, `increment`).
///
/// The tree keeps the author's text so diagnostics and reports can quote it,
/// and is checked once at validation time; the evaluator then never fails:
/// anything that cannot be computed is `null`, as the language promises.
public struct Expression: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text the author wrote.
    public var source: String
    public var root: ExpressionNode

    public init(source: String, root: ExpressionNode) {
        self.source = source
        self.root = root
    }

    public var description: String { source }
}

/// One node of an expression tree.
public indirect enum ExpressionNode: Sendable, Hashable, Codable {
    case literal(JSONValue)
    case list([ExpressionNode])
    /// `profile.a.b`, `event.name`, `event.sku`, `journey.entered_at`, `now`.
    case path(ExpressionPath)
    case not(ExpressionNode)
    /// Unary minus.
    case negate(ExpressionNode)
    case binary(BinaryOperator, ExpressionNode, ExpressionNode)
    case call(ExpressionFunction, [ExpressionNode])
}

/// A path rooted at one of the names the language defines.
public struct ExpressionPath: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Root: String, Sendable, Hashable, Codable, CaseIterable {
        case profile, event, journey, now
    }

    public var root: Root
    public var components: [String]

    public init(root: Root, components: [String]) {
        self.root = root
        self.components = components
    }

    public var description: String { ([root.rawValue] + components).joined(separator: ".") }
}

public enum BinaryOperator: String, Sendable, Hashable, Codable, CaseIterable {
    case equal = "==", notEqual = "!="
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and, or
    case `in`
    case add = "+", subtract = "-", multiply = "*", divide = "/"
}

public enum ExpressionFunction: String, Sendable, Hashable, Codable, CaseIterable {
    case exists, contains
    case daysSince = "days_since", hoursSince = "hours_since"
    case lower, upper

    /// How many arguments the function takes.
    public var arity: Int {
        switch self {
        case .contains: 2
        case .exists, .daysSince, .hoursSince, .lower, .upper: 1
        }
    }
}
