import ArgumentParser
import Foundation
import JourneySimulator

extension Waymark {
    /// `waymark test`: run the journey tests of a folder in simulation.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the journey tests in DIR/tests/*.yaml on a virtual clock.",
            discussion: "Prints one line per test and `N passed, N failed` last; exits 1 when a test fails."
        )

        @Argument(help: "The journeys folder; its tests/ subfolder holds the tests.")
        var directory = "journeys"

        func run() async throws {
            let report = await JourneyTestRunner(directory: directory).run()
            print(report.text, terminator: "")
            if report.failed > 0 { throw ExitCode(1) }
        }
    }
}
