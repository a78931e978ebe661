/// A JSON value: what event properties, profile attributes and expression results are.
///
/// Numbers are `Double` because events arrive as JSON and CSV, where integers and
/// decimals are not told apart; integers up to 2^53 round-trip exactly, and
/// ``JSONValue/description`` prints whole numbers without a fraction.
/// Objects encode with sorted keys so that every output Waymark writes is
/// byte-identical for identical inputs.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The value at a dotted path of object keys (`consent.email`); `.null` when any part is missing.
    public subscript(path path: some Collection<String>) -> JSONValue {
        var current = self
        for key in path {
            guard case .object(let fields) = current, let next = fields[key] else { return .null }
            current = next
        }
        return current
    }

    /// The value at a path written with dots (`contact.email`, a channel's `address_field`).
    public subscript(dottedPath path: String) -> JSONValue {
        self[path: path.split(separator: ".").map(String.init)]
    }

    /// Returns a copy with `value` stored at the dotted `path`, creating objects on the way.
    /// A non-object found on the way is replaced by an object, as a profile `set` expects.
    public func setting(_ value: JSONValue, at path: ArraySlice<String>) -> JSONValue {
        guard let key = path.first else { return value }
        var fields = objectValue ?? [:]
        fields[key] = (fields[key] ?? .null).setting(value, at: path.dropFirst())
        return .object(fields)
    }

    /// Returns a copy without the value at the dotted `path`.
    public func removing(at path: ArraySlice<String>) -> JSONValue {
        guard let key = path.first, var fields = objectValue else { return self }
        if path.count == 1 {
            fields.removeValue(forKey: key)
        } else if let child = fields[key] {
            fields[key] = child.removing(at: path.dropFirst())
        }
        return .object(fields)
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
