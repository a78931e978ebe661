import Foundation
import JourneyModel
import Synchronization
import Testing
import WaymarkServer
import WaymarkTestSupport

/// Cluster mode end to end: `waymark serve` processes on loopback sharing shards through a
/// real PostgreSQL (`WAYMARK_TEST_POSTGRES_URL`, started by `.ci/run`).
@Suite(.serialized, .enabled(if: PostgresTestDatabase.shouldRun, "needs WAYMARK_TEST_POSTGRES_URL (set by .ci/run)"), .timeLimit(.minutes(4)))
struct ClusteredNodesTests {
    static let customers = 150

    /// Three nodes take events; one is SIGKILLed mid-load and a fourth joins. Every acknowledged
    /// event is applied exactly once (the keys equal a single node's run of the same input), and
    /// no key reaches a receiver twice, except a send whose first attempt was cut off by the kill
    /// (the ledger records it as a takeover; at most one per customer in flight: 16 per shard).
    @Test func killingOneNodeAndAddingAnotherLosesAndDuplicatesNothing() async throws {
        let database = try await PostgresTestDatabase.make()
        let cluster = try ClusterWorkspace(database: database)
        defer { cluster.remove() }
        let batches = ClusterLoad.batches(customers: Self.customers)
        let expected = ClusterLoad.expectedKeys(customers: Self.customers)

        var nodes: [String: ChildNode] = [:]
        defer { nodes.values.forEach { $0.killIfRunning() } }
        let live = LiveNodes()
        for name in ["node1", "node2", "node3"] {
            nodes[name] = try cluster.start(name)
            live.add(try await nodes[name]!.listeningURL())
        }
        try await eventually("the three nodes share the shards") { try await cluster.leaseCounts().count == 3 }
        let node2URL = try await nodes["node2"]!.listeningURL()

        let acknowledged = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<3 {
                group.addTask {
                    for index in stride(from: sender, to: batches.count, by: 3) {
                        try await Self.send(batches[index], index: index, live: live)
                        acknowledged.add()
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
            }
            try await eventually("a third of the load is acknowledged") { acknowledged.value >= batches.count / 3 }
            live.remove(node2URL)
            nodes["node2"]!.signal(SIGKILL)
            try await eventually("two thirds of the load are acknowledged") { acknowledged.value >= 2 * batches.count / 3 }
            nodes["node4"] = try cluster.start("node4")
            live.add(try await nodes["node4"]!.listeningURL())
            try await group.waitForAll()
        }
        #expect(acknowledged.value == batches.count)

        let names = ["node1", "node2", "node3", "node4"]
        try await eventually(timeout: .seconds(90), "every send is delivered") {
            Set(names.flatMap(cluster.deliveredKeys)).count >= expected.count
        }
        try await eventually("node4 took its share") { (try await cluster.leaseCounts()["node4"] ?? 0) >= 2 }
        try await Task.sleep(for: .seconds(1))  // late duplicates would show now
        for name in ["node1", "node3", "node4"] { nodes[name]!.signal(SIGTERM) }
        for name in ["node1", "node3", "node4"] {
            let status = try await nodes[name]!.exitStatus()
            #expect(status == 0, "\(name):\n\(nodes[name]!.output.suffix(3000))")
        }

        let all = names.flatMap(cluster.deliveredKeys)
        let counts = all.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        let repeated = Set(counts.filter { $0.value > 1 }.keys)
        let takenOver = Set(try await database.column("SELECT idempotency_key FROM waymark_deliveries WHERE takeovers > 0"))
        #expect(Set(all) == expected, "missing: \(expected.subtracting(all).sorted().prefix(10)); extra: \(Set(all).subtracting(expected).sorted().prefix(10))")
        #expect(repeated.isSubset(of: takenOver), "delivered twice without a takeover: \(repeated.subtracting(takenOver).sorted())")
        #expect(repeated.count <= 8 * 16, "more repeats than sends in flight on 8 shards: \(repeated.sorted())")
        #expect(try await database.column("SELECT count(*)::text FROM waymark_deliveries WHERE state <> 'delivered'") == ["0"])
        #expect(nodes["node2"]!.output.contains("shard taken over"), "node2 worked before it was killed")

        // The same input through one single node gives the same sends.
        let single = try ClusterWorkspace(database: nil)
        defer { single.remove() }
        let node = try single.start("single")
        defer { node.killIfRunning() }
        let singleLive = LiveNodes()
        singleLive.add(try await node.listeningURL())
        for (index, batch) in batches.enumerated() { try await Self.send(batch, index: index, live: singleLive) }
        try await eventually(timeout: .seconds(60), "the single node delivers everything") { single.deliveredKeys("single").count >= expected.count }
        node.signal(SIGTERM)
        _ = try await node.exitStatus()
        #expect(Set(single.deliveredKeys("single")) == Set(all))
    }

    /// A node paused (SIGSTOP) with sends still queued, past its lease, then woken (SIGCONT):
    /// another node took its shards; the paused node sends nothing under its old leases.
    @Test func aPausedNodeSendsNothingAfterItWakes() async throws {
        let database = try await PostgresTestDatabase.make()
        let cluster = try ClusterWorkspace(database: database)
        defer { cluster.remove() }
        // Slow channels: each shard delivers 4 sends a second, so a backlog is waiting when the node pauses.
        let a = try cluster.start("a", rateLimit: 4)
        defer { a.killIfRunning() }
        let aURL = try await a.listeningURL()
        let b = try cluster.start("b", rateLimit: 4)
        defer { b.killIfRunning() }
        let bURL = try await b.listeningURL()
        try await eventually("both nodes hold shards") { try await cluster.leaseCounts().count == 2 }
        let live = LiveNodes()
        live.add(aURL)
        live.add(bURL)
        let batches = ClusterLoad.batches(customers: 60)
        for (index, batch) in batches.enumerated() { try await Self.send(batch, index: index, live: live) }
        try await eventually("a is delivering") { cluster.deliveredKeys("a").count >= 10 }

        let incarnation = try #require(try await cluster.incarnation(of: "a"))
        let epochsBefore = try await Self.epochs(held: incarnation, database)
        a.signal(SIGSTOP)
        let sentBeforePause = cluster.deliveredKeys("a")
        try await eventually("b took every shard over") { try await cluster.leaseCounts() == ["b": 8] }
        a.signal(SIGCONT)
        try await eventually(timeout: .seconds(90), "every send is delivered") {
            Set(cluster.deliveredKeys("a") + cluster.deliveredKeys("b")).count >= ClusterLoad.expectedKeys(customers: 60).count
        }
        try await Task.sleep(for: .seconds(1))

        // Whatever a wrote after waking was claimed under a lease it acquired after waking, or was
        // already past its claim and fence check when the pause hit (the relay keeps up to 16 sends
        // in flight per shard): claimed under the lease a held before the pause, or taken over and
        // resent with the same key by b. Never claimed under a lease a no longer held.
        let takenOverKeys = Set(try await database.column("SELECT idempotency_key FROM waymark_deliveries WHERE takeovers > 0"))
        let afterWake = Set(cluster.deliveredKeys("a")).subtracting(sentBeforePause)
        var inFlightAtPause = 0
        for key in afterWake.sorted() {
            let row = try await database.column("SELECT shard || ':' || epoch || ':' || owner FROM waymark_deliveries WHERE idempotency_key = '\(key)'")
            let parts = try #require(row.first).split(separator: ":", maxSplits: 2).map(String.init)
            let shard = Int(parts[0])!, epoch = Int64(parts[1])!
            let before = epochsBefore[shard] ?? 0
            if parts[2] == incarnation && epoch > before { continue }
            inFlightAtPause += 1
            #expect((parts[2] == incarnation && epoch == before) || takenOverKeys.contains(key),
                    "\(key) left a after it woke under shard \(shard) epoch \(epoch) (held \(before) before the pause)")
        }
        #expect(inFlightAtPause <= 8 * 16, "more sends finished after the pause than can be in flight")
        #expect(a.output.contains("lease_may_expire") || a.output.contains("lease lost"), "a noticed it lost its leases:\n\(a.output.suffix(2000))")
        let all = cluster.deliveredKeys("a") + cluster.deliveredKeys("b")
        let takenOver = Set(try await database.column("SELECT idempotency_key FROM waymark_deliveries WHERE takeovers > 0"))
        let repeated = Set(all.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }.filter { $0.value > 1 }.keys)
        #expect(repeated.isSubset(of: takenOver), "delivered twice: \(repeated.subtracting(takenOver).sorted())")
        #expect(Set(all) == ClusterLoad.expectedKeys(customers: 60))
        a.signal(SIGTERM)
        b.signal(SIGTERM)
        let statusA = try await a.exitStatus()
        #expect(statusA == 0, "a:\n\(a.output.suffix(6000))")
        let statusB = try await b.exitStatus()
        #expect(statusB == 0, "b:\n\(b.output.suffix(3000))")
    }

    /// Three nodes, customers spread over their shards: every node answers for every customer
    /// (the owner's actor answers, through node-to-node gRPC), all with the same answer, and
    /// every node sums the journey's stats over the cluster.
    @Test func everyNodeAnswersForEveryCustomerAndSumsTheStats() async throws {
        let database = try await PostgresTestDatabase.make()
        let cluster = try ClusterWorkspace(database: database)
        defer { cluster.remove() }
        var nodes: [String: ChildNode] = [:]
        defer { nodes.values.forEach { $0.killIfRunning() } }
        var urls: [String] = []
        for name in ["node1", "node2", "node3"] {
            nodes[name] = try cluster.start(name)
            urls.append(try await nodes[name]!.listeningURL())
        }
        // Balanced before any event, so no shard moves mid-test: a moved shard's new owner starts
        // its recent actions afresh, and its stats count on the node that processed them.
        try await eventually("the shards are balanced") { try await cluster.leaseCounts().values.sorted() == [2, 3, 3] }
        try await eventually("the three nodes published their gRPC addresses") {
            try await database.column("SELECT count(*)::text FROM waymark_nodes WHERE grpc_address IS NOT NULL") == ["3"]
        }
        let customers = 24
        let live = LiveNodes()
        urls.forEach(live.add)
        for (index, batch) in ClusterLoad.batches(customers: customers).enumerated() { try await Self.send(batch, index: index, live: live) }
        try await eventually(timeout: .seconds(60), "every send is delivered") {
            Set(["node1", "node2", "node3"].flatMap(cluster.deliveredKeys)).count >= ClusterLoad.expectedKeys(customers: customers).count
        }

        for index in 0..<customers {
            let path = "/v1/customers/customer-\(index)"
            var answers: [JSONValue] = []
            for url in urls {
                let answer = try await NodeClient(baseURL: url, timeout: 10).get(path)
                #expect(answer.status == 200, "\(url)\(path): \(answer.text)")
                answers.append(answer.json)
            }
            #expect(answers[0][path: ["customer_id"]].stringValue == "customer-\(index)")
            #expect(answers.allSatisfy { $0 == answers[0] }, "the nodes disagree about customer-\(index): \(answers)")
        }
        for url in urls {
            let unknown = try await NodeClient(baseURL: url, timeout: 10).get("/v1/customers/nobody-at-all")
            #expect(unknown.status == 404, "\(url): \(unknown.text)")
            let stats = try await NodeClient(baseURL: url, timeout: 10).get("/v1/journeys/welcome/stats")
            #expect(stats.status == 200, "\(url): \(stats.text)")
            #expect(stats.json[path: ["entered"]] == .number(Double(customers)), "\(url): \(stats.text)")
            #expect(stats.json[path: ["nodes"]] == .number(3), "\(url): \(stats.text)")
        }
        // Each node asked the others (customers it does not own): its remote-call metrics say so.
        for url in urls {
            let metrics = try await NodeClient(baseURL: url, timeout: 10).get("/metrics")
            #expect(metrics.text.contains(#"waymark_remote_calls_total{outcome="ok"}"#), "\(url): \(metrics.text.prefix(2000))")
            #expect(metrics.text.contains("waymark_remote_calls_served_total"), "\(url)")
        }
        for node in nodes.values { node.signal(SIGTERM) }
        for (name, node) in nodes {
            let status = try await node.exitStatus()
            #expect(status == 0, "\(name):\n\(node.output.suffix(3000))")
        }
    }

    /// One node drains (SIGTERM) while the other keeps answering for every customer: calls for
    /// the draining node's customers are answered `moved` (or find the node gone) and follow the
    /// shards to their new owner, so no query fails during the handover.
    @Test func customerQueriesFollowTheShardsOfADrainingNode() async throws {
        let database = try await PostgresTestDatabase.make()
        let cluster = try ClusterWorkspace(database: database)
        defer { cluster.remove() }
        let first = try cluster.start("first")
        defer { first.killIfRunning() }
        let firstURL = try await first.listeningURL()
        let second = try cluster.start("second")
        defer { second.killIfRunning() }
        let secondURL = try await second.listeningURL()
        try await eventually("the shards are balanced") { try await cluster.leaseCounts() == ["first": 4, "second": 4] }
        try await eventually("both nodes published their gRPC addresses") {
            try await database.column("SELECT count(*)::text FROM waymark_nodes WHERE grpc_address IS NOT NULL") == ["2"]
        }
        let customers = 16
        let live = LiveNodes()
        live.add(firstURL)
        live.add(secondURL)
        for (index, batch) in ClusterLoad.batches(customers: customers).enumerated() { try await Self.send(batch, index: index, live: live) }
        try await eventually(timeout: .seconds(60), "every send is delivered") {
            Set(cluster.deliveredKeys("first") + cluster.deliveredKeys("second")).count >= ClusterLoad.expectedKeys(customers: customers).count
        }

        let failures = Notes()
        let rounds = Counter()
        let stop = Notes()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while stop.all.isEmpty {
                    for index in 0..<customers {
                        let answer = try await NodeClient(baseURL: firstURL, timeout: 10).get("/v1/customers/customer-\(index)")
                        if answer.status != 200 { failures.add("customer-\(index): \(answer.status) \(answer.text)") }
                    }
                    rounds.add()
                }
            }
            try await eventually("a round of queries before the drain") { rounds.value >= 1 }
            second.signal(SIGTERM)
            let status = try await second.exitStatus()
            #expect(status == 0, "second:\n\(second.output.suffix(3000))")
            try await eventually("first owns every shard") { try await cluster.leaseCounts() == ["first": 8] }
            let after = rounds.value
            try await eventually("a full round after the handover") { rounds.value >= after + 2 }
            stop.add("stop")
            try await group.waitForAll()
        }
        let failed = failures.all
        #expect(failed.count == 0, "queries failed during the handover: \(failed.prefix(3))")
        first.signal(SIGTERM)
        #expect(try await first.exitStatus() == 0)
    }

    /// Posts a batch to a live node, moving on to another until one acknowledges it (202).
    static func send(_ batch: JSONValue, index: Int, live: LiveNodes) async throws {
        for attempt in 0..<100 {
            if let url = live.pick(index + attempt),
                let answer = try? await NodeClient(baseURL: url, timeout: 5).post("/v1/events", json: batch), answer.status == 202
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("batch \(index) was never acknowledged")
    }

    static func epochs(held owner: String, _ database: PostgresTestDatabase) async throws -> [Int: Int64] {
        let rows = try await database.column("SELECT shard || ':' || epoch FROM waymark_leases WHERE owner = '\(owner)'")
        return Dictionary(uniqueKeysWithValues: rows.map { row in
            let parts = row.split(separator: ":")
            return (Int(parts[0])!, Int64(parts[1])!)
        })
    }
}

/// Lines noted by concurrent tasks.
final class Notes: Sendable {
    private let lines = Mutex<[String]>([])

    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
