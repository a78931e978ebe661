/// A config file that cannot be used, with the place in it that is wrong.
///
/// Reported before anything starts, so an operator fixes the file instead of
/// discovering at 3 a.m. that a misspelt key was silently ignored.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case unreadable = "unreadable"
        case syntax = "yaml_syntax"
        case unknownKey = "unknown_key"
        case wrongType = "wrong_type"
        case invalidValue = "invalid_value"
    }

    public var code: Code
    public var message: String
    public var file: String
    public var line: Int
    public var column: Int

    public init(_ code: Code, _ message: String, file: String, line: Int = 1, column: Int = 1) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        "\(file):\(line):\(column): error: \(message) [\(code.rawValue)]"
    }
}
