import Foundation
import JourneyModel
import JourneyYAML
import Testing

/// The example journeys in the repository's `journeys/` are what authors copy:
/// every one must validate with no error and no warning.
@Suite struct ExampleJourneyTests {
    static let files = JourneyLoader.journeyFiles(in: "journeys", under: Fixtures.repositoryRoot)

    @Test func theJourneysFolderHoldsJourneys() {
        #expect(Self.files.count >= 10, "\(Self.files)")
    }

    @Test(arguments: files)
    func validatesClean(_ file: String) {
        let result = Fixtures.validate([file], in: Fixtures.repositoryRoot)
        #expect(result.errorCount == 0 && result.warningCount == 0, "\(DiagnosticReport.text(result))")
        #expect(result.journeys.count == 1)
    }

    /// All together too: journey ids are unique across the folder.
    @Test func theWholeFolderValidatesClean() {
        let result = Fixtures.validate(["journeys"], in: Fixtures.repositoryRoot)
        #expect(result.diagnostics.isEmpty, "\(DiagnosticReport.text(result))")
        #expect(result.journeys.count == Self.files.count)
        #expect(DiagnosticReport.text(result) == "\(Self.files.count) files: 0 errors, 0 warnings\n")
    }
}
