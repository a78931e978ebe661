import Foundation
import JourneyModel
import JourneyYAML
import Testing

/// The corpus of broken journeys in `Fixtures/broken/`: each is validated with the
/// real loader and printed exactly as `waymark validate` prints it, then compared
/// with its golden `NAME.expected` (see ``Golden`` for how to update goldens).
///
/// A fixture is `broken/NAME.yaml`, or a folder `broken/NAME/` validated as a whole
/// (for problems across files); a golden with neither, such as `no-such-file`,
/// validates the missing path `broken/NAME.yaml`. Files and folders whose names
/// start with `.` and the `templates/` folder are not fixtures.
@Suite struct BrokenJourneyGoldenTests {
    static let brokenFolder = Fixtures.url("broken")

    static let fixtureNames: [String] = {
        let files = Fixtures.entries(of: brokenFolder, withSuffix: ".yaml").map { String($0.dropLast(".yaml".count)) }
        let folders = Fixtures.entries(of: brokenFolder, folders: true).filter { $0 != "templates" }
        let goldens = Fixtures.entries(of: brokenFolder, withSuffix: ".expected").map { String($0.dropLast(".expected".count)) }
        return Array(Set(files + folders + goldens)).filter { !$0.hasPrefix(".") }.sorted()
    }()

    /// The path a fixture is validated as, relative to `Fixtures/`.
    static func path(of name: String) -> String {
        var isDirectory: ObjCBool = false
        let folder = brokenFolder.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "broken/\(name)"
        }
        return "broken/\(name).yaml"
    }

    @Test(arguments: fixtureNames)
    func diagnosticsMatchTheGolden(_ name: String) {
        let result = Fixtures.validate([Self.path(of: name)])
        Golden.check(DiagnosticReport.text(result), against: Self.brokenFolder.appendingPathComponent("\(name).expected"))
    }

    /// A broken fixture must be broken: an error, or (for the few codes that are only
    /// warnings) at least a warning, and no journey with an error may be accepted.
    @Test(arguments: fixtureNames)
    func everyFixtureReportsSomething(_ name: String) {
        let result = Fixtures.validate([Self.path(of: name)])
        #expect(!result.diagnostics.isEmpty, "\(name) reports nothing")
        if result.errorCount > 0 {
            #expect(result.journeys.isEmpty || name == "duplicate-journey-id")
        } else {
            #expect(result.journeys.count == 1, "a file with only warnings is still a valid journey")
        }
    }

    /// Within one file, diagnostics come in line:column order.
    @Test(arguments: fixtureNames)
    func diagnosticsAreInSourceOrder(_ name: String) {
        let result = Fixtures.validate([Self.path(of: name)])
        for (file, diagnostics) in Dictionary(grouping: result.diagnostics, by: \.location.file) {
            let positions = diagnostics.map { [$0.location.line, $0.location.column] }
            #expect(positions == positions.sorted { $0.lexicographicallyPrecedes($1) }, "\(file)")
        }
    }

    /// One file with many different problems reports every one of them, not just the first.
    @Test func aFileWithManyProblemsReportsThemAll() {
        let result = Fixtures.validate(["broken/many-problems.yaml"])
        let codes = Set(result.diagnostics.map(\.code))
        #expect(codes.count >= 8, "\(codes.sorted())")
        #expect(result.errorCount >= 8)
    }

    /// The JSON report of a few fixtures, pretty-printed for review; the raw output
    /// must be a single JSON document.
    @Test(arguments: ["many-problems", "unreachable-step"])
    func jsonReportMatchesTheGolden(_ name: String) throws {
        let result = Fixtures.validate(["broken/\(name).yaml"])
        let output = DiagnosticReport.json(result)
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8))
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        Golden.check(String(decoding: pretty, as: UTF8.self) + "\n", against: Fixtures.url("json/\(name).expected"))
        let report = try #require(object as? [String: Any])
        #expect(report["errors"] as? Int == result.errorCount)
        #expect(report["warnings"] as? Int == result.warningCount)
        #expect((report["diagnostics"] as? [Any])?.count == result.diagnostics.count)
    }
}
