/// An engine failure with a code callers can act on, a message for people, and context.
public struct EngineError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case shuttingDown = "shutting_down"
        case unknownJourney = "unknown_journey"
        case invalidJourney = "invalid_journey"
        case notReady = "not_ready"
    }

    public var code: Code
    public var message: String
    public var context: [String: String]

    public init(_ code: Code, _ message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        let details = context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(code.rawValue): \(message)" + (details.isEmpty ? "" : " (\(details))")
    }
}
