import JourneyModel
import Yams

/// A YAML mapping whose keys have been checked against what the language allows.
struct MappingReader {
    let node: Node
    let path: String
    /// How to name this map in messages: "the journey", "entry", "step `remind`".
    let what: String
    private let values: [String: Node]
    private let keyNodes: [String: Node]
    /// Keys in the order written.
    let keys: [String]

    init(node: Node, path: String, what: String, pairs: [(key: String, keyNode: Node, value: Node)]) {
        self.node = node
        self.path = path
        self.what = what
        var values: [String: Node] = [:]
        var keyNodes: [String: Node] = [:]
        for pair in pairs where values[pair.key] == nil {
            values[pair.key] = pair.value
            keyNodes[pair.key] = pair.keyNode
        }
        self.values = values
        self.keyNodes = keyNodes
        self.keys = pairs.map(\.key)
    }

    subscript(key: String) -> Node? { values[key] }

    func keyNode(_ key: String) -> Node? { keyNodes[key] }

    func contains(_ key: String) -> Bool { values[key] != nil }

    /// The path of a child value, for the source map.
    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

extension DecodingContext {
    /// Reads `node` as a map, reporting a non-map, duplicate keys, keys the language
    /// does not allow here (with a "did you mean" hint) and missing required keys.
    func mapping(
        _ node: Node, path: String, what: String, allowed: [String], required: [String] = []
    ) -> MappingReader? {
        record(path, node)
        guard case .mapping(let mapping) = node else {
            error("expected-map", "\(what) must be a map of keys and values", hint: expectedKeysHint(allowed), at: node)
            return nil
        }
        var pairs: [(key: String, keyNode: Node, value: Node)] = []
        var seen: Set<String> = []
        for (keyNode, value) in mapping where !isSkipped(keyNode) {
            guard spendNode(keyNode) else { return nil }
            guard case .scalar(let scalar) = keyNode else {
                error("invalid-key", "keys in \(what) must be plain words, not a \(keyNode.kindName)", hint: "write each key as one word followed by `:`, on a line of its own", at: keyNode)
                continue
            }
            let key = scalar.string
            if !seen.insert(key).inserted {
                error("duplicate-key", "key `\(key)` appears twice in \(what)", at: keyNode)
                continue
            }
            if !allowed.contains(key) {
                let hint = closestMatch(to: key, in: allowed).map { "did you mean `\($0)`?" } ?? expectedKeysHint(allowed)
                error("unknown-key", "unknown key `\(key)` in \(what)", hint: hint, at: keyNode)
                continue
            }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            record(childPath, value)
            pairs.append((key, keyNode, value))
        }
        let reader = MappingReader(node: node, path: path, what: what, pairs: pairs)
        for key in required where !seen.contains(key) {
            error("missing-key", "\(what) is missing the required key `\(key)`", at: node)
        }
        return reader
    }

    func expectedKeysHint(_ allowed: [String]) -> String {
        "expected keys: " + allowed.map { "`\($0)`" }.joined(separator: ", ")
    }

    /// A scalar's text as written (never YAML 1.1's reading of `10:00` as a number).
    func scalarText(_ node: Node, what: String) -> String? {
        guard spendNode(node) else { return nil }
        guard case .scalar(let scalar) = node else {
            error("expected-scalar", "\(what) must be a single value, not a \(node.kindName)", at: node)
            return nil
        }
        return scalar.string
    }

    /// A non-empty string.
    func nonEmptyString(_ node: Node, what: String) -> String? {
        guard let text = scalarText(node, what: what) else { return nil }
        guard !text.trimmingWhitespace.isEmpty else {
            error("empty-value", "\(what) must not be empty", at: node)
            return nil
        }
        return text
    }

    /// A list of nodes; a single scalar is not accepted where a list is required.
    func sequence(_ node: Node, what: String, hint: String? = nil) -> [Node]? {
        guard spendNode(node) else { return nil }
        guard case .sequence(let sequence) = node else {
            error("expected-list", "\(what) must be a list, not a \(node.kindName)", hint: hint, at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A list of strings, accepting a single string as a list of one.
    func stringList(_ node: Node, what: String) -> [String]? {
        if case .scalar = node { return nonEmptyString(node, what: what).map { [$0] } }
        guard let items = sequence(node, what: what) else { return nil }
        let strings = items.compactMap { nonEmptyString($0, what: "an item of \(what)") }
        return strings.count == items.count ? strings : nil
    }
}

extension Node {
    /// "map", "list" or "value", for messages.
    var kindName: String {
        switch self {
        case .mapping: "map"
        case .sequence: "list"
        case .scalar: "value"
        case .alias: "alias"
        }
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
