import Foundation
import JourneyModel
import Yams

/// A YAML node with the file it came from, for small formats (journey tests,
/// behaviour models) whose every error names `FILE:LINE:COLUMN`.
struct YAMLNode {
    let node: Node
    let file: String

    var location: SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    func error(_ message: String, hint: String? = nil) -> Diagnostic {
        .error("bad-value", message, hint: hint, at: location)
    }

    /// Parses every document of a file (`---` separates them).
    static func documents(file: String) throws -> [YAMLNode] {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw Diagnostic.error("no-such-file", "cannot read `\(file)`", at: SourceLocation(file: file, line: 1, column: 1))
        }
        do {
            // `Parser.nextRoot()`, not `compose_all`: its sequence keeps a syntax error to itself
            // and just ends, so a broken document silently dropped itself and every later one.
            let parser = try Parser(yaml: text)
            var nodes: [YAMLNode] = []
            while let node = try parser.nextRoot() { nodes.append(YAMLNode(node: node, file: file)) }
            return nodes
        } catch let error as YamlError {
            throw Self.diagnostic(error, file: file)
        }
    }

    static func diagnostic(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let message = [context?.text, problem].compactMap { $0 }.joined(separator: ": ")
            return .error("yaml-syntax", "YAML syntax: \(message)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
        default:
            return .error("yaml-syntax", "YAML syntax: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// The entries of a map, in the order written; keys outside `allowed` are errors.
    func mapping(_ what: String, allowed: [String]? = nil) throws -> [(key: String, keyNode: YAMLNode, value: YAMLNode)] {
        guard case .mapping(let mapping) = node else { throw error("\(what) must be a map of keys and values") }
        var entries: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        for (key, value) in mapping {
            let keyNode = YAMLNode(node: key, file: file)
            guard let name = key.scalar?.string else { throw keyNode.error("keys in \(what) must be plain words") }
            if let allowed, !allowed.contains(name) {
                throw keyNode.error("unknown key `\(name)` in \(what)", hint: "expected one of: \(allowed.joined(separator: ", "))")
            }
            if entries.contains(where: { $0.key == name }) { throw keyNode.error("`\(name)` appears twice in \(what)") }
            entries.append((name, keyNode, YAMLNode(node: value, file: file)))
        }
        return entries
    }

    func sequence(_ what: String) throws -> [YAMLNode] {
        guard case .sequence(let sequence) = node else { throw error("\(what) must be a list") }
        return sequence.map { YAMLNode(node: $0, file: file) }
    }

    func string(_ what: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw error("\(what) must be a single value, not a list or map") }
        return scalar.string
    }

    func number(_ what: String) throws -> Double {
        guard case .number(let value) = json() else { throw error("\(what) must be a number") }
        return value
    }

    /// A duration from the start: `0m`, `90m`, `25h`, `3d` (zero allowed).
    func offset(_ what: String) throws -> TimeInterval {
        let text = try string(what).trimmingCharacters(in: .whitespaces)
        if text == "0" { return 0 }
        if let last = text.last, "smhdw".contains(last), let digits = Int64(text.dropLast()), digits >= 0 {
            if digits == 0 { return 0 }
            if let duration = JourneyDuration.parse(text) { return TimeInterval(duration.seconds) }
        }
        throw error("\(what) must be a duration such as 0m, 90m, 25h or 3d, not `\(text)`")
    }

    func duration(_ what: String) throws -> TimeInterval {
        let text = try string(what).trimmingCharacters(in: .whitespaces)
        guard let duration = JourneyDuration.parse(text) else { throw error("\(what): \(JourneyDuration.syntaxHelp), not `\(text)`") }
        return TimeInterval(duration.seconds)
    }

    /// The node as a JSON value: unquoted scalars that read as null, booleans or numbers become those.
    func json() -> JSONValue {
        Self.json(node, depth: 0)
    }

    private static func json(_ node: Node, depth: Int) -> JSONValue {
        guard depth < 64 else { return .null }
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
            switch scalar.string {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: return CellValues.number(scalar.string).map(JSONValue.number) ?? .string(scalar.string)
            }
        case .sequence(let sequence):
            return .array(sequence.map { json($0, depth: depth + 1) })
        case .mapping(let mapping):
            var fields: [String: JSONValue] = [:]
            for (key, value) in mapping { fields[key.scalar?.string ?? "\(key)"] = json(value, depth: depth + 1) }
            return .object(fields)
        case .alias:
            return .null
        }
    }
}
