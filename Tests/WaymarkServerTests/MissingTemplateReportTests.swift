import Foundation
import JourneyModel
import JourneyRuntime
import Logging
import Testing

@testable import WaymarkServer

/// A journey deployed through the API can outlive a template it names (the file left the
/// folder): the node says so when it starts, instead of one dead letter per send.
@Suite struct MissingTemplateReportTests {
    @Test func aDeployedJourneyWhoseTemplateIsGoneIsReportedAtStart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "hi".write(to: folder.appendingPathComponent("here.mustache"), atomically: true, encoding: .utf8)
        let renderer = try MustacheMessageRenderer(directory: folder.path)
        func journey(_ id: String, template: String) -> DeployedJourney {
            DeployedJourney(
                definition: JourneyDefinition(
                    id: id, entry: Entry(trigger: .event(name: "signup", condition: nil)),
                    steps: [Step(id: "hello", action: .send(Send(channel: .single("sms"), template: template)))]),
                version: 3)
        }
        let record = LogRecord()
        let logger = Logger(label: "test") { _ in RecordingLogHandler(record: record, logLevel: .trace) }
        let report = MissingTemplateReport(renderer: renderer, knownChannels: Set(BuiltInChannel.names), logger: logger)
        let journeys = [journey("fine", template: "here"), journey("orphan", template: "gone")].map { ($0.id, $0.version, $0.definition) }
        #expect(report.check(journeys) == 1)
        // A cluster node checks every adopt; a version already reported is not reported again.
        #expect(report.check(journeys) == 0)
        let errors = record.lines.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["journey.id"] == "orphan")
        #expect(errors.first?.metadata["journey.version"] == "3")
        #expect(errors.first?.metadata["problem"].map { "\($0)" }?.contains("template `gone` does not exist") == true, "\(errors)")
    }
}
