import AsyncHTTPClient
import Foundation
import JourneyModel
import JourneyRuntime
import JourneyStorage
import Synchronization
import Testing
import WaymarkServer

/// `waymark serve` as operators run it: a child process, stopped with SIGTERM
/// while clients are still sending. It must exit cleanly with every
/// acknowledged event applied and nothing left in the inbox.
@Suite struct ServeProcessTests {
    static let journey = """
        journey: welcome
        entry: { event: signup }
        steps:
          - id: later
            wait: 1h
          - id: hello
            send: { channel: email, message: "hello" }
        """

    @Test func sigtermDrainsAndExitsCleanlyWithEveryAcknowledgedEventApplied() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let journeys = folder.appendingPathComponent("journeys")
        try FileManager.default.createDirectory(at: journeys, withIntermediateDirectories: true)
        try Self.journey.write(to: journeys.appendingPathComponent("welcome.yaml"), atomically: true, encoding: .utf8)
        let data = folder.appendingPathComponent("data")

        let child = try ChildNode(arguments: ["serve", "--data", data.path, "--journeys", journeys.path, "--port", "0"])
        let url = try await child.listeningURL()
        let client = NodeClient(baseURL: url, timeout: 3)

        // Clients keep sending while the node is told to stop; only 202s count as acknowledged.
        let acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<4 {
                group.addTask {
                    for index in 0..<1_000 {
                        let ids = (0..<10).map { "s\(sender)-\(index)-\($0)" }
                        let batch: JSONValue = .array(ids.map { .object(["customer_id": .string($0), "event": "signup", "id": .string("e-\($0)")]) })
                        guard let answer = try? await client.post("/v1/events", json: batch) else { return }
                        guard answer.status == 202 else { return }
                        acknowledged.add(ids)
                    }
                }
            }
            try await eventually("some events are acknowledged") { acknowledged.ids.count >= 200 }
            child.signal(SIGTERM)
            try await group.waitForAll()
        }
        let status = try await child.exitStatus()
        #expect(status == 0, "stderr:\n\(child.output.suffix(3000))")
        #expect(child.output.contains("node stopped"))

        // Reopen the stores: every acknowledged customer is applied, nothing is left unapplied.
        let ids = acknowledged.ids
        let directory = try DataDirectory.open(at: data)
        var applied = 0
        for shard in 0..<directory.shardCount {
            let store = try directory.store(forShard: shard)
            let recovery = try await store.recover()
            #expect(recovery.unappliedInbox.isEmpty, "shard \(shard) has unapplied input after a graceful stop")
            for id in ids where StableHash.shard(of: id, shardCount: directory.shardCount) == shard {
                let state = try await store.customer(id)
                #expect(state?.run(of: "welcome")?.stepID == "later", "\(id) was acknowledged but not applied")
                if state != nil { applied += 1 }
            }
            try store.close()
        }
        #expect(applied == ids.count)
    }

    @Test func aSecondSignalExitsAtOnceAndLosesNothingAcknowledged() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let child = try ChildNode(arguments: ["serve", "--data", data.path, "--journeys", folder.appendingPathComponent("none").path, "--port", "0"])
        let url = try await child.listeningURL()
        let client = NodeClient(baseURL: url, timeout: 10)
        var ids: [String] = []
        for index in 0..<20 {
            let answer = try await client.post("/v1/events", json: ["customer_id": .string("c\(index)"), "event": "signup"])
            if answer.status == 202 { ids.append("c\(index)") }
        }
        #expect(ids.count == 20)
        // A request stuck half-way keeps the graceful drain waiting, as a slow client would.
        let stuck = try HalfSentRequest(port: Int(url.split(separator: ":").last!)!)
        child.signal(SIGTERM)
        try await eventually("the node starts its graceful shutdown") { child.output.contains("shutting down gracefully") }
        if child.isRunning {
            // The drain waits for the request in flight: the second signal ends the process at once.
            child.signal(SIGTERM)
            let status = try await child.exitStatus()
            // Under load the drain can still win the race against the second signal (the server had not
            // yet read the stuck request's head); then the stop must have been clean. Either way nothing
            // acknowledged may be lost, which the restart below checks.
            #expect(status == 143 || status == 0, "stderr:\n\(child.output.suffix(3000))")
            if status == 143 {
                try await eventually("the exit is logged") { child.output.contains("second signal: exiting now") }
            }
        } else {
            // Under load the server may not have parsed the stuck request's head yet, so it counted as idle
            // and the drain finished first; then the stop must have been clean.
            #expect(try await child.exitStatus() == 0, "stderr:\n\(child.output.suffix(3000))")
        }
        withExtendedLifetime(stuck) {}

        // A restarted node applies whatever the first one had acknowledged but not applied.
        var configuration = NodeConfiguration()
        configuration.dataDirectory = data.path
        configuration.journeysDirectory = folder.appendingPathComponent("none").path
        configuration.port = 0
        let node = try await buildApplication(configuration, logger: TestNode.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await node.run() }
            let restarted = NodeClient(baseURL: "http://127.0.0.1:\(await node.port())")
            for id in ids {
                try await eventually("\(id) is applied after the restart") { try await restarted.get("/v1/customers/\(id)").status == 200 }
            }
            await node.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

/// Event ids the node answered 202 for, from several sending tasks.
final class Acknowledged: Sendable {
    private let state = Mutex<[String]>([])
    func add(_ ids: [String]) { state.withLock { $0 += ids } }
    var ids: [String] { state.withLock { $0 } }
}
