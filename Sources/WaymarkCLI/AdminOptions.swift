import ArgumentParser
import Foundation
import JourneyModel
import WaymarkServer

/// What every admin subcommand needs to reach a node.
struct AdminOptions: ParsableArguments {
    @Option(help: "The node's base URL.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "A bearer token (or set WAYMARK_TOKEN).")
    var token: String?

    var client: NodeClient {
        NodeClient(baseURL: url, token: token ?? ProcessInfo.processInfo.environment["WAYMARK_TOKEN"])
    }

    /// Prints a node's answer as indented JSON; a failed call exits 1 after printing its error.
    func report(_ answer: NodeClient.Answer) throws {
        print(Self.pretty(answer))
        if !answer.isSuccess { throw ExitCode(1) }
    }

    static func pretty(_ answer: NodeClient.Answer) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer.text.utf8), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
        else { return answer.text }
        return String(decoding: data, as: UTF8.self)
    }
}
