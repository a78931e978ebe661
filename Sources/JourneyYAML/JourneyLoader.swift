import Foundation
import JourneyModel

/// One journey file, decoded and validated, with the folder its templates live in.
public struct LoadedJourney: Sendable {
    public var file: String
    public var definition: JourneyDefinition
    public var sourceMap: JourneySourceMap
    /// `templates/` beside the journey file.
    public var templatesDirectory: URL
}

/// The result of loading journey files: the journeys that are free of errors,
/// and every diagnostic of every file (warnings of good files included).
public struct JourneyLoadResult: Sendable {
    public var journeys: [LoadedJourney]
    public var diagnostics: [Diagnostic]
    /// How many journey files were read.
    public var fileCount: Int

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
}

/// Finds, parses and validates journey files: the one front door that
/// `validate`, `test`, `simulate` and `serve` all use, so they agree on what a
/// valid journey is.
public struct JourneyLoader: Sendable {
    public var validator: JourneyValidator
    /// The folder relative paths are read from (the process's current directory when `nil`).
    /// Paths are shown in diagnostics exactly as they were given.
    public var workingDirectory: URL?

    public init(validator: JourneyValidator = JourneyValidator(), workingDirectory: URL? = nil) {
        self.validator = validator
        self.workingDirectory = workingDirectory
    }

    /// Loads each path: a file, or a folder whose `*.yaml` / `*.yml` files (not sub-folders) are journeys.
    /// Diagnostics come file by file, in the order the files were read, and by line and column within a file.
    public func load(paths: [String]) -> JourneyLoadResult {
        var result = JourneyLoadResult(journeys: [], diagnostics: [], fileCount: 0)
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: resolve(path).path, isDirectory: &isDirectory) else {
                result.diagnostics.append(.error(
                    "no-such-file", "no such file or folder", hint: "give journey files or folders that hold them (the default is `journeys`)",
                    at: SourceLocation(file: path, line: 1, column: 1)))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let found = Self.journeyFiles(in: path, under: workingDirectory)
            if found.isEmpty {
                result.diagnostics.append(.error(
                    "no-journeys", "no journey files (*.yaml, *.yml) in this folder", hint: "journey files sit directly in the folder; sub-folders are not searched",
                    at: SourceLocation(file: path, line: 1, column: 1)))
            }
            files += found
        }
        var firstFileByID: [String: String] = [:]
        var checkedTemplateFolders: Set<String> = []
        for file in files {
            result.fileCount += 1
            let checked = check(file: file)
            var diagnostics = checked.diagnostics
            let folder = resolve(file).deletingLastPathComponent().appendingPathComponent("templates")
            if checkedTemplateFolders.insert(folder.standardizedFileURL.path).inserted {
                result.diagnostics += templateFileProblems(in: folder, shownAs: Self.displayPath(folder, relativeTo: file))
            }
            var journey = checked.journey
            if let (id, location) = checked.id {
                if let earlier = firstFileByID[id] {
                    diagnostics.append(.error(
                        "duplicate-journey-id", "journey id `\(id)` is already used by \(earlier)",
                        hint: "journey ids must be unique in a deployment", at: location))
                    journey = nil
                } else {
                    firstFileByID[id] = file
                }
            }
            result.diagnostics += Self.sortedByPosition(diagnostics)
            if var journey {
                journey.file = file
                result.journeys.append(journey)
            }
        }
        return result
    }

    /// The template files of a folder that do not read as templates (with the validator's
    /// syntax check; none without one): a node would refuse to start on them.
    func templateFileProblems(in folder: URL, shownAs shown: String) -> [Diagnostic] {
        guard let syntax = validator.templateSyntax else { return [] }
        return Self.templateFiles(in: folder).sorted().compactMap { name in
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8), let problem = syntax(text) else { return nil }
            return .error(
                "invalid-template", "the template does not parse: \(problem.message)",
                hint: TemplateSyntaxProblem.hint,
                at: SourceLocation(file: "\(shown)/\(name)", line: problem.line, column: problem.column))
        }
    }

    /// Parses and validates one file. The journey is returned only when the file has no errors.
    public func load(file: String) -> (journey: LoadedJourney?, diagnostics: [Diagnostic]) {
        let checked = check(file: file)
        return (checked.journey, checked.diagnostics)
    }

    /// One file's journey (when it has no errors), its diagnostics in line:column order,
    /// and its journey id with where it was written (when the id could be read), for the
    /// duplicate check across files.
    private func check(file: String) -> (journey: LoadedJourney?, diagnostics: [Diagnostic], id: (String, SourceLocation)?) {
        let url = resolve(file)
        let parsed = JourneyFileParser.parse(contentsOf: url, displayPath: file)
        guard let definition = parsed.definition else { return (nil, Self.sortedByPosition(parsed.diagnostics), nil) }
        let templatesDirectory = url.deletingLastPathComponent().appendingPathComponent("templates")
        var validator = validator
        validator.templates = TemplateCatalog(
            fileNames: Self.templateFiles(in: templatesDirectory),
            location: Self.displayPath(templatesDirectory, relativeTo: file))
        let diagnostics = Self.sortedByPosition(parsed.diagnostics + validator.validate(definition, sourceMap: parsed.sourceMap))
        let hasErrors = diagnostics.contains { $0.severity == .error }
        let journey = LoadedJourney(file: file, definition: definition, sourceMap: parsed.sourceMap, templatesDirectory: templatesDirectory)
        let id = definition.id.isEmpty ? nil : (definition.id, parsed.sourceMap.location("journey"))
        return (hasErrors ? nil : journey, diagnostics, id)
    }

    /// By line, then column; diagnostics at the same place keep the order they were found in.
    static func sortedByPosition(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated()
            .sorted { ($0.element.location.line, $0.element.location.column, $0.offset) < ($1.element.location.line, $1.element.location.column, $1.offset) }
            .map(\.element)
    }

    private func resolve(_ path: String) -> URL {
        guard let workingDirectory, !path.hasPrefix("/") else { return URL(fileURLWithPath: path) }
        return workingDirectory.appendingPathComponent(path)
    }

    /// Journey files directly inside a folder (not its sub-folders), sorted by name for a stable order.
    /// A relative `directory` is read from `base` when given; the paths returned start with `directory` as written.
    public static func journeyFiles(in directory: String, under base: URL? = nil) -> [String] {
        let readable = base.map { directory.hasPrefix("/") ? directory : $0.appendingPathComponent(directory).path } ?? directory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: readable)) ?? []
        return names
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }
            .filter { name in
                var isDirectory: ObjCBool = false
                return !(FileManager.default.fileExists(atPath: readable + "/" + name, isDirectory: &isDirectory) && isDirectory.boolValue)
            }
            .sorted()
            .map { directory.hasSuffix("/") ? directory + $0 : directory + "/" + $0 }
    }

    static func templateFiles(in directory: URL) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Set(names.filter { $0.hasSuffix(".mustache") })
    }

    /// `journeys/templates` when the journey was given as `journeys/x.yaml`.
    static func displayPath(_ directory: URL, relativeTo file: String) -> String {
        let parent = (file as NSString).deletingLastPathComponent
        return parent.isEmpty ? "templates" : parent + "/templates"
    }
}
