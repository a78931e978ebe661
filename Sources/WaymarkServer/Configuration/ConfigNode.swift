import Foundation
import JourneyModel
import Yams

/// A YAML node of the config file with the file name it came from, so that every
/// complaint about it carries `file:line:column`.
struct ConfigNode {
    let node: Node
    let file: String

    var line: Int { node.mark?.line ?? 1 }
    var column: Int { node.mark?.column ?? 1 }

    func error(_ code: ConfigurationError.Code, _ message: String) -> ConfigurationError {
        ConfigurationError(code, message, file: file, line: line, column: column)
    }

    /// The pairs of a map, after checking every key against `allowed`.
    func mapping(_ what: String, allowed: [String]) throws -> [(key: String, value: ConfigNode)] {
        guard case .mapping(let mapping) = node else {
            throw error(.wrongType, "\(what) must be a map")
        }
        var pairs: [(String, ConfigNode)] = []
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            let key = ConfigNode(node: keyNode, file: file)
            guard case .scalar(let scalar) = keyNode else { throw key.error(.wrongType, "keys in \(what) must be plain words") }
            guard allowed.isEmpty || allowed.contains(scalar.string) else {
                let hint = closestMatch(to: scalar.string, in: allowed).map { " (did you mean `\($0)`?)" } ?? ""
                throw key.error(.unknownKey, "unknown key `\(scalar.string)` in \(what)\(hint); allowed: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(scalar.string).inserted else { throw key.error(.invalidValue, "`\(scalar.string)` is given twice in \(what)") }
            pairs.append((scalar.string, ConfigNode(node: value, file: file)))
        }
        return pairs
    }

    func string(_ what: String) throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { throw error(.wrongType, "\(what) must be a text value") }
        return scalar.string
    }

    func int(_ what: String, atLeast minimum: Int) throws -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else { throw error(.wrongType, "\(what) must be a whole number") }
        guard value >= minimum else { throw error(.invalidValue, "\(what) must be at least \(minimum), not \(value)") }
        return value
    }

    func positiveNumber(_ what: String) throws -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string) else { throw error(.wrongType, "\(what) must be a number") }
        guard value > 0, value.isFinite else { throw error(.invalidValue, "\(what) must be greater than 0") }
        return value
    }

    /// A duration: `30s`, `5m`, `2h`, `250ms`, or a number of seconds.
    func duration(_ what: String) throws -> TimeInterval {
        guard case .scalar(let scalar) = node else { throw error(.wrongType, "\(what) must be a duration such as 30s or 5m") }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds > 0 { return seconds }
        if text.hasSuffix("ms"), let milliseconds = Double(text.dropLast(2)), milliseconds > 0 { return milliseconds / 1000 }
        if let duration = JourneyDuration.parse(text), duration.seconds > 0 { return duration.timeInterval }
        throw error(.invalidValue, "\(what) must be a duration such as 250ms, 30s, 5m or 2h, not `\(text)`")
    }

    func stringList(_ what: String) throws -> [String] {
        guard case .sequence(let sequence) = node else { throw error(.wrongType, "\(what) must be a list") }
        return try sequence.map { try ConfigNode(node: $0, file: file).string("each entry of \(what)") }
    }

    func oneOf<T: RawRepresentable & CaseIterable>(_ what: String, _: T.Type) throws -> T where T.RawValue == String {
        let text = try string(what)
        guard let value = T(rawValue: text) else {
            throw error(.invalidValue, "\(what) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not `\(text)`")
        }
        return value
    }
}
