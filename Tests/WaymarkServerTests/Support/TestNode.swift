import Foundation
import JourneyModel
import Logging
import Testing
import WaymarkServer

/// A real node on an ephemeral loopback port, in a temporary folder with its
/// own journeys, templates and data, optionally next to a ``WebhookReceiver``.
/// The node is built from config text, so every test also goes through the
/// config file reader.
struct TestNode {
    let node: WaymarkNode
    let url: String
    let folder: URL
    let receiverURL: String

    func client(token: String? = nil) -> NodeClient {
        NodeClient(baseURL: url, token: token)
    }

    static let logger: Logger = {
        var logger = Logger(label: "waymark-test", factory: { label in
            if ProcessInfo.processInfo.environment["WAYMARK_TEST_LOGS"] == nil { return SwiftLogNoOpLogHandler() }
            return StreamLogHandler.standardError(label: label)
        })
        logger.logLevel = .debug
        return logger
    }()

    /// Starts a node, runs `body`, then shuts the node down gracefully and removes the folder.
    /// `config` gets the receiver's base URL (empty without one).
    static func run(
        journeys: [String: String] = [:], templates: [String: String] = [:], receiver: WebhookReceiver? = nil,
        config: (String) -> String = { _ in "" }, _ body: (TestNode) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-node-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let journeysFolder = folder.appendingPathComponent("journeys")
        try FileManager.default.createDirectory(at: journeysFolder.appendingPathComponent("templates"), withIntermediateDirectories: true)
        for (name, text) in journeys { try text.write(to: journeysFolder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        for (name, text) in templates {
            try text.write(to: journeysFolder.appendingPathComponent("templates").appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var receiverURL = ""
            if let receiver {
                group.addTask { try await receiver.run() }
                receiverURL = "http://127.0.0.1:\(await receiver.listening.wait())"
            }
            var configuration = try NodeConfiguration.parse(config(receiverURL), file: "test-config.yaml")
            configuration.host = "127.0.0.1"
            configuration.port = 0
            configuration.dataDirectory = folder.appendingPathComponent("data").path
            configuration.journeysDirectory = journeysFolder.path
            if configuration.shardCount == nil { configuration.shardCount = 4 }
            let node = try await buildApplication(configuration, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { nodeGroup in
                nodeGroup.addTask { try await node.run() }
                let port = await node.port()
                let testNode = TestNode(node: node, url: "http://127.0.0.1:\(port)", folder: folder, receiverURL: receiverURL)
                // Listening comes before the shards have loaded; tests start once the node is ready.
                try await eventually("the node is ready") { try await testNode.client().get("/ready").status == 200 }
                do {
                    try await body(testNode)
                } catch {
                    await node.triggerGracefulShutdown()
                    throw error
                }
                await node.triggerGracefulShutdown()
                try await nodeGroup.waitForAll()
            }
            group.cancelAll()
        }
    }
}

extension NodeClient.Answer {
    /// `error.field` of a refused call.
    var errorField: String? { json[path: ["error", "field"]].stringValue }
    var errorCode: String? { json[path: ["error", "code"]].stringValue }
    func number(_ path: String...) -> Int? { json[path: path].numberValue.map { Int($0) } }
}
