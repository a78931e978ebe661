import Foundation
import JourneyModel
import Synchronization
import Testing
import WaymarkServer
import WaymarkTestSupport

/// A folder for nodes of a test cluster: shared journeys, one config, data folder and
/// delivery files per node, all on one PostgreSQL test database.
struct ClusterWorkspace {
    static let journeys = [
        "welcome.yaml": """
            journey: welcome
            entry: { event: signup }
            steps:
              - id: hello
                send: { channel: email, message: "Welcome!" }
              - id: pause
                wait: 2s
              - id: followup
                send: { channel: sms, message: "Still there?" }
            """,
        // Every ping is a new run (the run ends at once), so a ping applied twice shows as an extra run.
        "ping.yaml": """
            journey: ping
            entry: { event: ping }
            steps:
              - id: note
                send: { channel: push, message: "pong" }
            """,
    ]
    static let channels = ["email", "sms", "push"]

    let folder: URL
    let database: PostgresTestDatabase?

    init(database: PostgresTestDatabase?) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-cluster-\(UUID().uuidString)")
        self.database = database
        let journeys = folder.appendingPathComponent("journeys")
        try FileManager.default.createDirectory(at: journeys, withIntermediateDirectories: true)
        for (name, text) in Self.journeys {
            try text.write(to: journeys.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Writes `NAME.yaml` and starts `waymark serve` on it. `rateLimit` slows every channel (per shard);
    /// `journeys` names another journeys folder (and so another `templates/`) than the shared one;
    /// `postgres` another database URL than the workspace's (one that cannot be reached, say).
    func start(_ name: String, rateLimit: Double? = nil, journeys: String? = nil, postgres: String? = nil) throws -> ChildNode {
        var channels = ""
        for channel in Self.channels {
            let rate = rateLimit.map { ", rate_limit: \($0)" } ?? ""
            channels += "  \(channel): { adapter: file, path: \(path("\(name)-\(channel).jsonl"))\(rate) }\n"
        }
        var text = """
            host: 127.0.0.1
            port: 0
            data: \(path("\(name)-data"))
            journeys: \(journeys ?? path("journeys"))
            shard_count: 8
            durability: normal
            retry: { base_delay: 100ms, max_delay: 1s }
            channels:
            \(channels)
            """
        if let url = postgres ?? database?.url {
            text += """
                cluster:
                  postgres: \(url)
                  node_id: \(name)
                  advertise: 127.0.0.1:1
                  lease_duration: 3s
                  renew_interval: 500ms
                  safety_margin: 1s
                  node_timeout: 3s
                  snapshot_interval: 1s
                  poll_interval: 50ms
                  move_interval: 500ms
                  max_moves: 2
                  grpc: { host: 127.0.0.1, port: 0, secret: test-cluster-secret, call_timeout: 3s }

                """
        }
        let config = path("\(name).yaml")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        return try ChildNode(arguments: ["serve", "--config", config])
    }

    /// Every idempotency key the node wrote to its delivery files, with repeats.
    func deliveredKeys(_ name: String) -> [String] {
        Self.channels.flatMap { channel -> [String] in
            let text = (try? String(contentsOfFile: path("\(name)-\(channel).jsonl"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return object["idempotency_key"] as? String
            }
        }
    }

    /// The incarnation (lease owner name) of a live node.
    func incarnation(of name: String) async throws -> String? {
        try await database?.column("SELECT incarnation FROM waymark_nodes WHERE node_id = '\(name)' ORDER BY started_at DESC LIMIT 1").first
    }

    /// How many leases each node holds now, by node id.
    /// Empty until the first node has created the cluster's tables (a node listens before it joined).
    func leaseCounts() async throws -> [String: Int] {
        let created = try await database?.column("SELECT (to_regclass('waymark_leases') IS NOT NULL)::text")
        guard created == ["true"] else { return [:] }
        let rows = try await database?.column(
            "SELECT split_part(owner, '#', 1) FROM waymark_leases WHERE owner IS NOT NULL AND expires_at > now()") ?? []
        return rows.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}

/// The events of the test load: per customer a signup and two pings, with ids, in batches.
enum ClusterLoad {
    static func batches(customers: Int, batchSize: Int = 10) -> [JSONValue] {
        var events: [JSONValue] = []
        for index in 0..<customers {
            for (name, id) in [("signup", "s"), ("ping", "p1"), ("ping", "p2")] {
                events.append(.object(["customer_id": .string("customer-\(index)"), "event": .string(name), "id": .string("\(id)-\(index)")]))
            }
        }
        return stride(from: 0, to: events.count, by: batchSize).map { .array(Array(events[$0..<min(events.count, $0 + batchSize)])) }
    }

    /// The keys a correct run delivers: every event applied exactly once.
    static func expectedKeys(customers: Int) -> Set<String> {
        Set((0..<customers).flatMap { index in
            ["welcome/1/hello/1", "welcome/1/followup/1", "ping/1/note/1", "ping/2/note/1"].map { "\($0)/customer-\(index)" }
        })
    }
}

/// Base URLs of the nodes a sender may use, changing as nodes die and join.
final class LiveNodes: Sendable {
    private let urls = Mutex<[String]>([])

    func add(_ url: String) { urls.withLock { $0.append(url) } }
    func remove(_ url: String) { urls.withLock { $0.removeAll { $0 == url } } }
    func pick(_ index: Int) -> String? { urls.withLock { $0.isEmpty ? nil : $0[index % $0.count] } }
}

/// A count shared by sender tasks.
final class Counter: Sendable {
    private let count = Mutex(0)

    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

extension ChildNode {
    /// Ends a node a failed test left behind (SIGCONT first, in case it was paused).
    func killIfRunning() {
        guard isRunning else { return }
        signal(SIGCONT)
        signal(SIGKILL)
    }
}
