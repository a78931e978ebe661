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

    /// `waymark deploy FILE…`: validates on the node and deploys each journey file.
    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deploy journey files to a running node (validated there first).")

        @OptionGroup var node: AdminOptions

        @Argument(help: "Journey YAML files.")
        var files: [String]

        func run() async throws {
            var failed = false
            for file in files {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                let name = (file as NSString).lastPathComponent.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "request.yaml"
                let answer = try await node.client.post("/v1/journeys?file=\(name)", text: text, contentType: "application/yaml")
                if answer.isSuccess {
                    let id = answer.json[path: ["journey"]].stringValue ?? "?"
                    let version = answer.json[path: ["version"]].numberValue.map { Int($0) } ?? 0
                    print("\(file): \(id) v\(version) \(answer.json[path: ["change"]].stringValue ?? "")")
                } else {
                    failed = true
                    let diagnostics = answer.json[path: ["error", "diagnostics"]].arrayValue ?? []
                    if diagnostics.isEmpty { print("\(file): HTTP \(answer.status) \(answer.errorMessage ?? answer.text)") }
                    for diagnostic in diagnostics {
                        let line = diagnostic[path: ["line"]].numberValue.map { Int($0) } ?? 0
                        let column = diagnostic[path: ["column"]].numberValue.map { Int($0) } ?? 0
                        let severity = diagnostic[path: ["severity"]].stringValue ?? "error"
                        print("\(file):\(line):\(column): \(severity): \(diagnostic[path: ["message"]].stringValue ?? "")")
                    }
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

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

    /// `waymark send-event`: one event, for trying journeys by hand.
    struct SendEvent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send one event to a running node.")

        @OptionGroup var node: AdminOptions

        @Option(help: "The customer id.")
        var customer: String

        @Option(help: "The event name.")
        var event: String

        @Option(name: .customLong("property"), help: "key=value (repeatable); values that read as JSON (numbers, true, null) are sent as such.")
        var properties: [String] = []

        @Option(help: "The event time (ISO-8601; default now).")
        var time: String?

        @Option(help: "An idempotency id: the same id is applied once.")
        var id: String?

        func validate() throws {
            for property in properties where !property.contains("=") {
                throw ValidationError("--property takes key=value, not `\(property)`")
            }
        }

        func run() async throws {
            var values: [String: JSONValue] = [:]
            for property in properties {
                let parts = property.split(separator: "=", maxSplits: 1).map(String.init)
                let raw = parts.count > 1 ? parts[1] : ""
                values[parts[0]] = (try? JSONDecoder().decode(JSONValue.self, from: Data(raw.utf8))) ?? .string(raw)
            }
            var body: [String: JSONValue] = ["customer_id": .string(customer), "event": .string(event), "properties": .object(values)]
            if let time { body["time"] = .string(time) }
            if let id { body["id"] = .string(id) }
            try node.report(try await node.client.post("/v1/events", json: .object(body)))
        }
    }
}
