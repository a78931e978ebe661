import ChildProcessSupport
import Foundation
import Testing

/// The built `waymark validate` executable, run as an author runs it: exit codes,
/// the text on stdout, and `--format json`.
@Suite struct ValidateCommandTests {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `waymark ARGUMENTS` in the repository root.
    static func waymark(_ arguments: [String]) async throws -> Outcome {
        let child = try ChildProcess(
            ChildProcess.builtExecutable(named: "waymark"), arguments: arguments,
            currentDirectory: Fixtures.repositoryRoot
        )
        let ending = try await child.termination()
        return Outcome(status: ending.signalled ? -ending.status : ending.status, stdout: child.standardOutput, stderr: child.standardError)
    }

    static let brokenFixture = "Tests/JourneyYAMLTests/Fixtures/broken/many-problems.yaml"

    @Test func theExampleJourneysPass() async throws {
        let outcome = try await Self.waymark(["validate"])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.hasSuffix(": 0 errors, 0 warnings\n"), "\(outcome.stdout)")
        let explicit = try await Self.waymark(["validate", "journeys"])
        #expect(explicit.status == 0)
        #expect(explicit.stdout == outcome.stdout)
    }

    @Test func aBrokenJourneyFails() async throws {
        let outcome = try await Self.waymark(["validate", Self.brokenFixture])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("\(Self.brokenFixture):2:10: error: journey id `Many_Problems` must be lowercase letters, digits and '-', starting with a letter\n    hint: for example `many-problems`\n"), "\(outcome.stdout)")
        #expect(outcome.stdout.hasSuffix("1 file: 14 errors, 1 warning\n"), "\(outcome.stdout)")
    }

    @Test func warningsAloneDoNotFail() async throws {
        let outcome = try await Self.waymark(["validate", "Tests/JourneyYAMLTests/Fixtures/broken/unreachable-step.yaml"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains(": warning: "))
    }

    @Test func aMissingPathFails() async throws {
        let outcome = try await Self.waymark(["validate", "no/such/journeys"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.hasPrefix("no/such/journeys:1:1: error: no such file or folder\n"), "\(outcome.stdout)")
    }

    @Test func jsonOutputParses() async throws {
        let outcome = try await Self.waymark(["validate", "--format", "json", Self.brokenFixture, "journeys"])
        #expect(outcome.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))
        let report = try #require(object as? [String: Any])
        let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
        #expect(report["errors"] as? Int == diagnostics.count { $0["severity"] as? String == "error" })
        #expect((report["errors"] as? Int ?? 0) > 0)
        #expect(diagnostics.allSatisfy { $0["file"] as? String == Self.brokenFixture })
        #expect(diagnostics.allSatisfy { ($0["line"] as? Int ?? 0) > 0 && ($0["column"] as? Int ?? 0) > 0 && $0["code"] is String })
        #expect((report["journeys"] as? [String])?.count ?? 0 >= 10)

        let clean = try await Self.waymark(["validate", "--format", "json"])
        #expect(clean.status == 0)
        let cleanReport = try #require(try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [String: Any])
        #expect(cleanReport["errors"] as? Int == 0)
        #expect(cleanReport["warnings"] as? Int == 0)
    }
}
