import Foundation
import JourneyModel
import Yams

/// Turns journey files into ``JourneyDefinition`` values, reporting every
/// problem with the line and column where it was written.
///
/// It never throws and never crashes on bad input: whatever is wrong becomes a
/// diagnostic, and as much of the definition as could be read is returned so
/// the validator can check the rest.
public enum JourneyFileParser {
    static let topLevelKeys = ["journey", "name", "description", "version", "timezone", "entry", "exit", "goal", "limits", "steps"]

    /// Reads and parses a file; an unreadable file is a diagnostic too.
    public static func parse(contentsOf url: URL, displayPath: String? = nil) -> ParsedJourney {
        let file = displayPath ?? url.path
        do {
            return parse(data: try Data(contentsOf: url), file: file)
        } catch {
            let diagnostic = Diagnostic.error(
                "unreadable-file", "cannot read the file: \(error.localizedDescription)",
                at: SourceLocation(file: file, line: 1, column: 1))
            return ParsedJourney(definition: nil, sourceMap: JourneySourceMap(file: file), diagnostics: [diagnostic])
        }
    }

    public static func parse(data: Data, file: String) -> ParsedJourney {
        switch InputGuard.text(of: data, file: file) {
        case .failure(let diagnostic):
            return ParsedJourney(definition: nil, sourceMap: JourneySourceMap(file: file), diagnostics: [diagnostic])
        case .success(let text):
            return parse(text: text, file: file)
        }
    }

    public static func parse(text: String, file: String) -> ParsedJourney {
        let context = DecodingContext(file: file)
        let definition = compose(text, context: context).flatMap { decodeJourney($0, context: context) }
        return ParsedJourney(definition: definition, sourceMap: context.sourceMap, diagnostics: context.diagnostics)
    }

    /// The single YAML document in `text`, or nil with a syntax diagnostic.
    static func compose(_ text: String, context: DecodingContext) -> Node? {
        var documents: [Node] = []
        do {
            let parser = try Parser(yaml: text)
            // Two documents are enough to know the file holds more than one journey.
            while documents.count < 2, let document = try parser.nextRoot() {
                documents.append(document)
            }
        } catch let error as YamlError {
            let (message, line, column) = describe(error)
            context.error("yaml-syntax", "YAML syntax error: \(message)", at: SourceLocation(file: context.file, line: line, column: column))
            return nil
        } catch {
            context.error("yaml-syntax", "YAML syntax error: \(error)", at: SourceLocation(file: context.file, line: 1, column: 1))
            return nil
        }
        guard let first = documents.first else {
            context.error("empty-file", "file is empty; a journey needs at least `journey`, `entry` and `steps`", at: SourceLocation(file: context.file, line: 1, column: 1))
            return nil
        }
        if documents.count > 1 {
            context.error("multiple-documents", "a journey file holds one journey, but this one has several YAML documents", hint: "put each journey in its own file", at: documents[1])
        }
        return first
    }

    static func describe(_ error: YamlError) -> (String, Int, Int) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return (prefix + problem, mark.line, mark.column)
        case .reader(let problem, _, _, _):
            return (problem, 1, 1)
        default:
            return ("\(error)", 1, 1)
        }
    }

    static func decodeJourney(_ root: Node, context: DecodingContext) -> JourneyDefinition? {
        guard let map = context.mapping(root, path: "", what: "the journey", allowed: topLevelKeys, required: ["journey", "entry", "steps"]) else {
            return nil
        }
        var id = ""
        if let node = map["journey"], let text = context.nonEmptyString(node, what: "`journey`") {
            id = text
            if !Identifiers.isJourneyID(text) {
                context.error("invalid-journey-id", "journey id `\(text)` must be lowercase letters, digits and '-', starting with a letter", hint: "for example `\(Identifiers.suggestJourneyID(text))`", at: node)
            }
        }
        let name = map["name"].flatMap { context.scalarText($0, what: "`name`") }
        let description = map["description"].flatMap { context.scalarText($0, what: "`description`") }
        let version = map["version"].flatMap { context.integer($0, what: "`version`", minimum: 1) }
        let timezone = map["timezone"].flatMap { context.timezone($0) } ?? "UTC"
        let entry = map["entry"].flatMap { decodeEntry($0, context: context) }
        let exits = map["exit"].map { decodeExits($0, context: context) } ?? []
        let goal = map["goal"].flatMap { decodeGoal($0, context: context) }
        let limits = map["limits"].map { decodeLimits($0, context: context) } ?? Limits()
        let steps = map["steps"].map { decodeSteps($0, context: context) } ?? []
        guard let entry, !steps.isEmpty else { return nil }
        return JourneyDefinition(
            id: id, name: name, description: description, version: version, timezone: timezone,
            entry: entry, exits: exits, goal: goal, limits: limits, steps: steps)
    }
}
