import ArgumentParser
import Foundation
import JourneyModel
import WaymarkServer

extension Waymark {
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
