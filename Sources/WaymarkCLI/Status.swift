import ArgumentParser
import Foundation
import JourneyModel
import WaymarkServer

extension Waymark {
    /// `waymark status`: is the node alive and ready, and which journeys run on it.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a running node's health, readiness and journeys.")

        @OptionGroup var node: AdminOptions

        func run() async throws {
            let client = node.client
            let health = try await client.get("/health")
            let ready = try await client.get("/ready")
            let journeys = try await client.get("/v1/journeys")
            print("node:    \(node.url)")
            print("health:  \(health.json[path: ["status"]].stringValue ?? "HTTP \(health.status)")")
            print("ready:   \(ready.json[path: ["status"]].stringValue ?? "HTTP \(ready.status)")")
            guard journeys.isSuccess else {
                print("journeys: HTTP \(journeys.status) \(journeys.errorMessage ?? "")")
                throw ExitCode(1)
            }
            for journey in journeys.json[path: ["journeys"]].arrayValue ?? [] {
                let id = journey[path: ["id"]].stringValue ?? "?"
                let version = journey[path: ["version"]].numberValue.map { Int($0) } ?? 0
                let active = journey[path: ["active"]].boolValue == true ? "active" : "undeployed"
                print("  \(id) v\(version) \(active)")
            }
            if ready.status != 200 { throw ExitCode(1) }
        }
    }
}
