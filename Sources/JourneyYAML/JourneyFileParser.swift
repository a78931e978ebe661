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
    ///
    /// Only a regular file is read (a FIFO or device could block or never end), and
    /// never more than one byte past the size limit, so a huge file is refused
    /// without being loaded into memory.
    public static func parse(contentsOf url: URL, displayPath: String? = nil) -> ParsedJourney {
        let file = displayPath ?? url.path
        let top = SourceLocation(file: file, line: 1, column: 1)
        func failure(_ diagnostic: Diagnostic) -> ParsedJourney {
            ParsedJourney(definition: nil, sourceMap: JourneySourceMap(file: file), diagnostics: [diagnostic])
        }
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
                let kind = type == .typeDirectory ? "a folder" : "not a regular file"
                return failure(.error("unreadable-file", "cannot read the file: it is \(kind)", hint: "journey files are UTF-8 YAML text files", at: top))
            }
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            let data = try handle.read(upToCount: InputGuard.maximumBytes + 1) ?? Data()
            if data.count > InputGuard.maximumBytes {
                let size = (attributes[.size] as? NSNumber)?.intValue ?? data.count
                return failure(InputGuard.tooLarge(size: size, at: top))
            }
            return parse(data: data, file: file)
        } catch {
            return failure(.error("unreadable-file", "cannot read the file: \(error.localizedDescription)", at: top))
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
        context.firstAlias = DecodingContext.firstAlias(in: text, file: file)
        context.sourcePositions = ScalarSourcePosition(text: text)
        let definition = compose(text, context: context).flatMap { decodeJourney($0, context: context) }
        return ParsedJourney(definition: definition, sourceMap: context.sourceMap, diagnostics: context.diagnostics)
    }

    /// The single YAML document in `text`, or nil with a syntax diagnostic.
    ///
    /// A key repeated in one map is reported and renamed in the text (see
    /// ``DuplicateKeyRecovery``) so the rest of the file is still checked.
    static func compose(_ text: String, context: DecodingContext) -> Node? {
        var text = text
        var repairs = 0
        while true {
            do {
                return try composeDocument(text, context: context)
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let yamlContext) {
                let key = duplicates.first ?? ""
                let first = yamlContext.mark
                guard repairs < DuplicateKeyRecovery.maximumRepairs,
                    let repair = DuplicateKeyRecovery.repair(text, key: key, first: first, attempt: repairs)
                else {
                    context.error(
                        "duplicate-key", "key `\(key)` appears more than once in the map at line \(first.line)",
                        hint: "a map holds each key once; remove or rename the repeats", at: SourceLocation(file: context.file, line: first.line, column: first.column))
                    return nil
                }
                context.error(
                    "duplicate-key", "key `\(key)` appears twice in the same map (first on line \(first.line))",
                    hint: "a map holds each key once; remove one of them or rename it",
                    at: SourceLocation(file: context.file, line: repair.line, column: repair.column))
                context.skipKey(line: repair.line, column: repair.column)
                text = repair.text
                repairs += 1
            } catch let error as YamlError {
                let (message, hint, line, column) = describe(error)
                context.error("yaml-syntax", "YAML syntax error: \(message)", hint: hint, at: SourceLocation(file: context.file, line: line, column: column))
                return nil
            } catch {
                context.error("yaml-syntax", "YAML syntax error: \(error)", at: SourceLocation(file: context.file, line: 1, column: 1))
                return nil
            }
        }
    }

    private static func composeDocument(_ text: String, context: DecodingContext) throws -> Node? {
        var documents: [Node] = []
        let parser = try Parser(yaml: text)
        // Two documents are enough to know the file holds more than one journey.
        while documents.count < 2, let document = try parser.nextRoot() {
            documents.append(document)
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

    /// The problem, a hint naming where the construct being read began, and the place.
    static func describe(_ error: YamlError) -> (message: String, hint: String?, line: Int, column: Int) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            guard let context else { return (problem, nil, mark.line, mark.column) }
            // "while parsing a block mapping" → "in the block mapping".
            var what = Substring(context.text)
            for prefix in ["while ", "parsing ", "scanning ", "a ", "an "] where what.hasPrefix(prefix) { what = what.dropFirst(prefix.count) }
            var hint = "in the \(what) that starts at line \(context.mark.line), column \(context.mark.column)"
            if problem.contains("expected ',' or '}'") || problem.contains("expected ',' or ']'") {
                hint += ": is a closing bracket missing?"
            } else if problem.contains("expected key") || problem.contains("mapping values are not allowed") {
                hint += ": check the indentation; keys of one map line up in the same column"
            } else if problem.contains("tab") {
                hint += ": indent with spaces, not tabs"
            }
            return (problem, hint, mark.line, mark.column)
        case .reader(let problem, _, _, _):
            return (problem, nil, 1, 1)
        default:
            return ("\(error)", nil, 1, 1)
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
        guard !steps.isEmpty else { return nil }
        // A missing or broken entry has been reported. The steps are still validated (targets,
        // loops, templates, splits) against a stand-in entry, so the author sees every problem
        // at once; a file with errors is never deployed, so the stand-in never runs.
        guard let entry = entry ?? (context.hasErrors ? Entry(trigger: .event(name: "", condition: nil)) : nil) else { return nil }
        return JourneyDefinition(
            id: id, name: name, description: description, version: version, timezone: timezone,
            entry: entry, exits: exits, goal: goal, limits: limits, steps: steps)
    }
}
