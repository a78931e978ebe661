/// One problem found in a journey file, with where it is and, when we can guess
/// what the author meant, a hint.
///
/// The validator collects all of them instead of stopping at the first, so an
/// author fixes a file in one pass.
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var severity: Severity
    /// A stable, machine-readable kind, such as `unknown-key` or `cycle-without-wait`.
    public var code: String
    public var message: String
    public var hint: String?
    public var location: SourceLocation

    public init(_ severity: Severity, code: String, _ message: String, hint: String? = nil, at location: SourceLocation) {
        self.severity = severity
        self.code = code
        self.message = message
        self.hint = hint
        self.location = location
    }

    public static func error(_ code: String, _ message: String, hint: String? = nil, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.error, code: code, message, hint: hint, at: location)
    }

    public static func warning(_ code: String, _ message: String, hint: String? = nil, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.warning, code: code, message, hint: hint, at: location)
    }

    /// `FILE:LINE:COLUMN: error: MESSAGE`, then `  hint: …` on its own line when there is one.
    public var description: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let hint { text += "\n    hint: \(hint)" }
        return text
    }
}
