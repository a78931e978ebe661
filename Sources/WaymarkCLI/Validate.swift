import ArgumentParser
import Foundation
import JourneyModel
import JourneyYAML
import WaymarkServer

extension Waymark {
    /// `waymark validate`: every problem of every journey file, at once.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check journey files and report every problem with its file, line and column.",
            discussion: "Exits 1 when any file has an error, 0 otherwise (warnings alone do not fail)."
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @Argument(help: "Journey files or folders (a folder means its *.yaml and *.yml files).")
        var paths: [String] = ["journeys"]

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        func run() throws {
            // Templates are read with the engine a node renders them with.
            let result = JourneyLoader(validator: JourneyValidator(templateSyntax: MustacheSyntax.check)).load(paths: paths)
            switch format {
            case .text: print(DiagnosticReport.text(result), terminator: "")
            case .json: print(DiagnosticReport.json(result))
            }
            if result.errorCount > 0 { throw ExitCode(1) }
        }
    }
}
