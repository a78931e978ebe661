import Foundation
import JourneyModel
import JourneyYAML
import Testing

/// Where the test fixtures and the repository's own journeys are, found from this
/// source file so the tests run from any working directory.
enum Fixtures {
    /// `Tests/JourneyYAMLTests/Fixtures`: paths in goldens are relative to it (`broken/x.yaml`).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The repository root (the folder holding `Package.swift`, `journeys/` and `Sources/`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    /// Loads and validates `paths` (relative to `base`) exactly as `waymark validate` does.
    /// Validates as `waymark validate` does, with ``TemplateSyntaxTests/unclosedSection`` standing
    /// in for Mustache (this target has no template engine; the node's own check is tested there).
    static func validate(_ paths: [String], in base: URL = root) -> JourneyLoadResult {
        JourneyLoader(validator: JourneyValidator(templateSyntax: TemplateSyntaxTests.unclosedSection), workingDirectory: base).load(paths: paths)
    }

    /// The names of the files (or, with `folders`, the sub-folders) directly inside `folder`.
    static func entries(of folder: URL, withSuffix suffix: String? = nil, folders: Bool = false) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory)
            guard isDirectory.boolValue == folders else { return false }
            return suffix.map { name.hasSuffix($0) } ?? true
        }
        .sorted()
    }
}

/// Golden files: the exact expected output, kept beside the fixtures.
///
/// To accept new output after a deliberate change, run the tests with
/// `WAYMARK_UPDATE_GOLDENS=1`, for example
///
///     WAYMARK_UPDATE_GOLDENS=1 swift test --skip-build --filter JourneyYAMLTests
///
/// which rewrites every golden the run touches (and reports nothing), then read
/// `git diff` on the goldens before committing: each one is a promise about what
/// an author sees.
enum Golden {
    static var isUpdating: Bool { ProcessInfo.processInfo.environment["WAYMARK_UPDATE_GOLDENS"] == "1" }

    static func check(_ actual: String, against golden: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        if isUpdating {
            do {
                try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
                try actual.write(to: golden, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("cannot write \(golden.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: golden, encoding: .utf8) else {
            Issue.record("no golden at \(golden.path); run with WAYMARK_UPDATE_GOLDENS=1 to create it. Output:\n\(actual)", sourceLocation: sourceLocation)
            return
        }
        // Line by line, so a failure shows which lines differ.
        #expect(
            actual.split(separator: "\n", omittingEmptySubsequences: false) == expected.split(separator: "\n", omittingEmptySubsequences: false),
            "output differs from \(golden.lastPathComponent) (WAYMARK_UPDATE_GOLDENS=1 rewrites it)", sourceLocation: sourceLocation)
    }
}

/// A fresh folder under the system's temporary directory, removed by the test that made it.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ data: Data, to relativePath: String) throws {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
