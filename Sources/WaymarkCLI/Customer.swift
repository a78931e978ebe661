import ArgumentParser
import Foundation
import JourneyModel
import WaymarkServer

extension Waymark {
    /// `waymark customer ID`: profile, runs in progress and recent actions.
    struct Customer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a customer's profile, runs and recent actions.")

        @OptionGroup var node: AdminOptions

        @Argument(help: "The customer id.")
        var id: String

        func run() async throws {
            let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
            try node.report(try await node.client.get("/v1/customers/\(escaped)"))
        }
    }
}
