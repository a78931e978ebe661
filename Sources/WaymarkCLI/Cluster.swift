import ArgumentParser
import Foundation
import JourneyModel
import WaymarkServer

extension Waymark {
    /// `waymark cluster …`: the cluster a node belongs to, as operators look at it.
    struct Cluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Look at the cluster a node belongs to.", subcommands: [Status.self])
    }
}

extension Waymark.Cluster {
    /// `waymark cluster status`: nodes, heartbeats, shards per node, leases and inbox lag per shard.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the cluster's nodes, shards, leases and inbox lag (GET /v1/cluster on any node).")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json
        }

        @OptionGroup var node: AdminOptions

        @Option(help: "`table` for people, `json` for scripts (the node's answer as is).")
        var format: Format = .table

        func run() async throws {
            let answer = try await node.client.get("/v1/cluster")
            if format == .json { return try node.report(answer) }
            guard answer.isSuccess else {
                let code = answer.json[path: ["error", "code"]].stringValue.map { " \($0)" } ?? ""
                print("cluster: HTTP \(answer.status)\(code): \(answer.errorMessage ?? answer.text)")
                throw ExitCode(1)
            }
            print(ClusterStatusTable.render(answer.json))
        }
    }
}
