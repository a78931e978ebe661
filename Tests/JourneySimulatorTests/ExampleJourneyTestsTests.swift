import Foundation
import JourneyModel
import JourneySimulator
import JourneyYAML
import Testing

/// `waymark test journeys`, in process: every example journey's tests pass and cover every path.
@Suite struct ExampleJourneyTestsTests {
    static let journeys = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("journeys").path

    @Test func everyExampleTestPasses() async throws {
        let report = await JourneyTestRunner(directory: Self.journeys).run()
        #expect(report.failed == 0, "\(report.text)")
        #expect(report.passed > 50)
        #expect(report.text.hasSuffix("\(report.passed) passed, 0 failed\n"))
    }

    @Test func everyPathOfEveryExampleJourneyIsTested() async throws {
        let report = await JourneyTestRunner(directory: Self.journeys).run()
        let loaded = JourneyLoader().load(paths: [Self.journeys])
        #expect(loaded.errorCount == 0)
        let uncovered = report.uncoveredEdges(loaded.journeys.map(\.definition))
        #expect(uncovered.isEmpty, "untested paths: \(uncovered.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.joined(separator: ", "))" }.joined(separator: "; "))")
        let tested = Set(report.results.compactMap(\.journeyID))
        #expect(tested == Set(loaded.journeys.map(\.definition.id)))
    }
}
