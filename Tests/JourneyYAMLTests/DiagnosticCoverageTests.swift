import Foundation
import JourneyModel
import JourneyYAML
import Testing

/// Every diagnostic code the front end and the validator can emit is shown by at
/// least one fixture, so each message and its location is pinned by a golden.
@Suite struct DiagnosticCoverageTests {
    /// The source folders whose `error("code", …)` and `warning("code", …)` calls are checked.
    static let sourceFolders = ["Sources/JourneyYAML", "Sources/JourneyModel/Validation"]

    static func codesInSources() throws -> Set<String> {
        let pattern = /(?:error|warning)\(\s*"([a-z0-9-]+)"/
        var codes: Set<String> = []
        for folder in sourceFolders {
            let directory = Fixtures.repositoryRoot.appendingPathComponent(folder)
            for name in Fixtures.entries(of: directory, withSuffix: ".swift") {
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                for match in text.matches(of: pattern) { codes.insert(String(match.output.1)) }
            }
        }
        return codes
    }

    @Test func everyCodeHasAFixture() throws {
        let sourceCodes = try Self.codesInSources()
        #expect(sourceCodes.count > 50, "the scan of the sources found only \(sourceCodes.sorted())")
        var covered: Set<String> = []
        for name in BrokenJourneyGoldenTests.fixtureNames {
            covered.formUnion(Fixtures.validate([BrokenJourneyGoldenTests.path(of: name)]).diagnostics.map(\.code))
        }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for input in GeneratedInputTests.Input.allCases {
            try input.make(in: scratch)
            covered.formUnion(Fixtures.validate([input.relativePath], in: scratch.url).diagnostics.map(\.code))
        }
        #expect(sourceCodes.subtracting(covered).sorted() == [], "codes with no fixture")
        #expect(covered.subtracting(sourceCodes).sorted() == [], "codes the source scan missed")
    }
}
