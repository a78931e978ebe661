import JourneyModel

/// Why a node refused to start: journeys with errors, unusable templates or data.
public struct NodeStartupError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// Every diagnostic of the journeys, when they are the reason.
    public var diagnostics: [Diagnostic]

    public init(_ message: String, diagnostics: [Diagnostic] = []) {
        self.message = message
        self.diagnostics = diagnostics
    }

    public var description: String {
        ([message] + diagnostics.map(\.description)).joined(separator: "\n")
    }
}
