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

    public init(validator: JourneyValidator = JourneyValidator()) {
        self.validator = validator
    }

    /// Loads each path: a file, or a folder whose `*.yaml` / `*.yml` files (not sub-folders) are journeys.
    public func load(paths: [String]) -> JourneyLoadResult {
        var result = JourneyLoadResult(journeys: [], diagnostics: [], fileCount: 0)
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                result.diagnostics.append(.error("no-such-file", "no such file or folder", at: SourceLocation(file: path, line: 1, column: 1)))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let found = Self.journeyFiles(in: path)
            if found.isEmpty {
                result.diagnostics.append(.error("no-journeys", "no journey files (*.yaml, *.yml) in this folder", at: SourceLocation(file: path, line: 1, column: 1)))
            }
            files += found
        }
        var firstFileByID: [String: String] = [:]
        for file in files {
            result.fileCount += 1
            let loaded = load(file: file)
            result.diagnostics += loaded.diagnostics
            guard var journey = loaded.journey else { continue }
            if let earlier = firstFileByID[journey.definition.id] {
                result.diagnostics.append(.error(
                    "duplicate-journey-id", "journey id `\(journey.definition.id)` is already used by \(earlier)",
                    hint: "journey ids must be unique in a deployment", at: journey.sourceMap.location("journey")))
                continue
            }
            firstFileByID[journey.definition.id] = file
            journey.file = file
            result.journeys.append(journey)
        }
        return result
    }

    /// Parses and validates one file. The journey is returned only when the file has no errors.
    public func load(file: String) -> (journey: LoadedJourney?, diagnostics: [Diagnostic]) {
        let url = URL(fileURLWithPath: file)
        let parsed = JourneyFileParser.parse(contentsOf: url, displayPath: file)
        guard let definition = parsed.definition else { return (nil, parsed.diagnostics) }
        let templatesDirectory = url.deletingLastPathComponent().appendingPathComponent("templates")
        var validator = validator
        validator.templates = TemplateCatalog(
            fileNames: Self.templateFiles(in: templatesDirectory),
            location: Self.displayPath(templatesDirectory, relativeTo: file))
        let diagnostics = (parsed.diagnostics + validator.validate(definition, sourceMap: parsed.sourceMap))
            .sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        let hasErrors = diagnostics.contains { $0.severity == .error }
        let journey = LoadedJourney(file: file, definition: definition, sourceMap: parsed.sourceMap, templatesDirectory: templatesDirectory)
        return (hasErrors ? nil : journey, diagnostics)
    }

    /// Journey files directly inside a folder, sorted by name for a stable order.
    public static func journeyFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }
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
