import JourneyModel

/// What the YAML front end makes of one file: the definition when the file's
/// structure allowed building one, where each part was written, and every
/// problem found on the way.
///
/// A definition can be present alongside errors (a bad duration does not stop
/// the rest of the file from being checked); only a file with no errors may be
/// deployed.
public struct ParsedJourney: Sendable {
    public var definition: JourneyDefinition?
    public var sourceMap: JourneySourceMap
    public var diagnostics: [Diagnostic]

    public init(definition: JourneyDefinition?, sourceMap: JourneySourceMap, diagnostics: [Diagnostic]) {
        self.definition = definition
        self.sourceMap = sourceMap
        self.diagnostics = diagnostics
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
