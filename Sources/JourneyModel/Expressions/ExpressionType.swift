/// What the type checker knows about a value before any customer is evaluated.
///
/// A type describes the value *when it is not `null`*: any path may be missing, so
/// `profile.age + 1` is a ``number`` even though it is `null` for a customer without
/// an age. ``null`` is for what is certainly `null` (the literal), and ``any`` for
/// what depends on the data (profile attributes, event properties). The checker only
/// complains about combinations that are wrong for every possible value of an
/// ``any``.
public enum ExpressionType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case bool, number, string
    /// An ISO-8601 UTC string known to be a time (`now`, `event.time`,
    /// `journey.entered_at`). At run time it is a string, and anything a string
    /// allows is allowed; the type exists so the checker can suggest `days_since`
    /// when time is used in arithmetic.
    case time
    case list, object, null
    /// Unknown until run time.
    case any

    /// The type of a JSON value.
    public init(of value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool: self = .bool
        case .number: self = .number
        case .string: self = .string
        case .array: self = .list
        case .object: self = .object
        }
    }

    /// How messages name the type: "a number", "true or false".
    public var description: String {
        switch self {
        case .bool: "true or false"
        case .number: "a number"
        case .string: "a string"
        case .time: "a time"
        case .list: "a list"
        case .object: "an object"
        case .null: "null"
        case .any: "any value"
        }
    }

    /// Whether a value of this type may be used where `expected` is required:
    /// unknown types are always accepted, and a time is a string.
    public func isCompatible(with expected: ExpressionType) -> Bool {
        if self == expected || self == .any || expected == .any { return true }
        return isStringLike && expected.isStringLike
    }

    /// Strings and times: a time is an ISO string at run time.
    var isStringLike: Bool { self == .string || self == .time }

    /// Whether the value is certainly not a number (so arithmetic on it is `null`).
    var isCertainlyNotNumber: Bool { self != .number && self != .any }
}
