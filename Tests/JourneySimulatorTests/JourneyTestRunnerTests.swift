import Foundation
@testable import JourneySimulator
import Testing

/// `waymark test`: result lines, the side-by-side diff of a failure, the closing count, bad test files.
@Suite struct JourneyTestRunnerTests {
    static let journey = """
        journey: nudge
        entry: { event: add_to_cart }
        exit: [{ event: purchase }]
        steps:
          - id: grace
            wait: 1h
          - id: remind
            send: { channel: [push, email], template: reminder }
        """

    static let tests = """
        test: a reminder after an hour
        journey: nudge
        start: "2024-03-01T09:00:00Z"
        profile: { customer_id: c1 }
        events:
          - { at: 0m, event: add_to_cart }
        expect:
          - { at: 0m, enter: true }
          - { at: 1h, send: { channel: push, template: reminder } }
          - { at: 1h, exit: completed }
        ---
        test: a wrong expectation shows expected and actual side by side
        journey: nudge
        start: "2024-03-01T09:00:00Z"
        profile: { customer_id: c2 }
        events:
          - { at: 0m, event: add_to_cart }
        expect:
          - { at: 2h, send: { channel: email } }
        expect_no:
          - { send: { template: reminder }, before: 3h }
        """

    func runner(_ files: [String: String]) throws -> (JourneyTestRunner, TempDirectory) {
        let directory = try TempDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("templates"), withIntermediateDirectories: true)
        try directory.write("templates/reminder.mustache", "Come back")
        for (name, text) in files { try directory.write(name, text) }
        return (JourneyTestRunner(directory: directory.path), directory)
    }

    @Test func passesFailuresAndTheSideBySideDiff() async throws {
        let (runner, directory) = try runner(["nudge.yaml": Self.journey, "tests/nudge.yaml": Self.tests])
        defer { directory.remove() }
        let report = await runner.run()
        #expect(report.passed == 1)
        #expect(report.failed == 1)
        let lines = report.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "✔ a reminder after an hour")
        #expect(lines[1] == "✘ a wrong expectation shows expected and actual side by side")
        #expect(lines[2].hasSuffix("tests/nudge.yaml:12:1"))
        #expect(lines[3].hasPrefix("    expected") && lines[3].hasSuffix("│ actual (nudge, customer c2)"))
        #expect(lines[4].contains("┼"))
        #expect(lines[5].hasPrefix("    ✘ +2h  send channel=email ") && lines[5].hasSuffix("│ +0m  enter  (grace)"))
        #expect(lines[6].hasPrefix("    ✘ no send template=reminder before +3h (happened at +1h)") && lines[6].hasSuffix("│ +1h  send channel=push template=reminder  (remind)"))
        #expect(lines[7].hasSuffix("│ +1h  exit completed  (remind)"))
        #expect(lines[8] == "1 passed, 1 failed")
        #expect(lines[9] == "")
    }

    @Test func aBrokenTestFileOrAnUnknownJourneyFailsWithItsPlace() async throws {
        let (runner, directory) = try runner([
            "nudge.yaml": Self.journey,
            "tests/a-broken.yaml": "test: x\njourney: nudge\nstart: \"2024-03-01\"\nexpect:\n  - { at: soon, enter: true }\n",
            "tests/b-unknown.yaml": "test: another journey\njourney: missing\nstart: \"2024-03-01\"\n",
            "tests/c-typo.yaml": "test: a typo\njourney: nudge\nstart: \"2024-03-01\"\nexpect_none: []\n",
        ])
        defer { directory.remove() }
        let report = await runner.run()
        #expect(report.failed == 3)
        #expect(report.text.contains("tests/a-broken.yaml:5:11: error: at must be a duration such as 0m, 90m, 25h or 3d, not `soon`"))
        #expect(report.text.contains("✘ another journey\n"))
        #expect(report.text.contains("tests/b-unknown.yaml:1:1: error: no valid journey `missing`"))
        #expect(report.text.contains("tests/c-typo.yaml:4:1: error: unknown key `expect_none` in a journey test"))
        #expect(report.text.hasSuffix("0 passed, 3 failed\n"))
    }

    /// A YAML syntax error in any document fails the file, with the error's place: it used to
    /// end the file quietly at the broken document, so later tests never ran and the run passed.
    @Test func aSyntaxErrorInALaterDocumentFailsTheFile() async throws {
        let broken = Self.tests.replacingOccurrences(of: "  - { at: 2h, send: { channel: email } }", with: "  - { at: 2h, send: [ channel: email }")
        let (runner, directory) = try runner(["nudge.yaml": Self.journey, "tests/nudge.yaml": broken])
        defer { directory.remove() }
        let report = await runner.run()
        #expect(report.failed == 1)
        #expect(report.passed == 0)
        #expect(report.text.contains("tests/nudge.yaml:19:38: error: YAML syntax"))
        #expect(report.text.contains("error: YAML syntax"))
        #expect(report.text.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func offsetsPrintInTheLargestWholeUnit() {
        #expect(JourneyTestRunner.offset(0) == "+0m")
        #expect(JourneyTestRunner.offset(90 * 60) == "+90m")
        #expect(JourneyTestRunner.offset(25 * 3600) == "+25h")
        #expect(JourneyTestRunner.offset(14 * 86_400) == "+14d")
        #expect(JourneyTestRunner.offset(45) == "+45s")
    }
}
