import Foundation
import JourneyModel
import Testing
import WaymarkServer
import WaymarkTestSupport

/// Operators see the cluster: `GET /v1/cluster` and `waymark cluster status` on real
/// `waymark serve` processes sharing one PostgreSQL; a single node says it is not a member.
@Suite(.serialized, .enabled(if: PostgresTestDatabase.shouldRun, "needs WAYMARK_TEST_POSTGRES_URL (set by .ci/run)"), .timeLimit(.minutes(3)))
struct ClusterStatusTests {
    func waymark(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let child = try ChildNode(arguments: arguments)
        let status = try await child.exitStatus()
        return (status, child.output)
    }

    @Test func everyNodeShowsTheNodesTheirShardsAndEachShardsLeaseAndLag() async throws {
        let database = try await PostgresTestDatabase.make()
        let cluster = try ClusterWorkspace(database: database)
        defer { cluster.remove() }
        let one = try cluster.start("node1")
        defer { one.killIfRunning() }
        let two = try cluster.start("node2")
        defer { two.killIfRunning() }
        let urls = [try await one.listeningURL(), try await two.listeningURL()]
        // Balanced, so no shard is between two owners while the test looks.
        try await eventually("the nodes hold four shards each") { (try? await cluster.leaseCounts()) == ["node1": 4, "node2": 4] }
        let events: [JSONValue] = (0..<20).map { .object(["customer_id": .string("customer-\($0)"), "event": .string("ping")]) }
        #expect(try await NodeClient(baseURL: urls[0], timeout: 10).post("/v1/events", json: .array(events)).status == 202)

        for url in urls {
            let answer = try await NodeClient(baseURL: url, timeout: 10).get("/v1/cluster")
            #expect(answer.status == 200, "\(answer.text)")
            let nodes = answer.json[path: ["nodes"]].arrayValue ?? []
            #expect(Set(nodes.compactMap { $0[path: ["id"]].stringValue }) == ["node1", "node2"])
            #expect(nodes.allSatisfy { $0[path: ["live"]] == .bool(true) && $0[path: ["address"]] == .string("127.0.0.1:1") })
            let owned = nodes.flatMap { ($0[path: ["shards"]].arrayValue ?? []).compactMap(\.numberValue) }
            #expect(owned.sorted() == (0..<8).map(Double.init), "every shard is owned by exactly one live node: \(answer.text)")
            let shards = answer.json[path: ["shards"]].arrayValue ?? []
            #expect(shards.count == 8)
            #expect(shards.allSatisfy { $0[path: ["lease_live"]] == .bool(true) && ($0[path: ["epoch"]].numberValue ?? 0) >= 1 })
            #expect(shards.compactMap { $0[path: ["inbox_head"]].numberValue }.reduce(0, +) == 20, "every accepted event is counted in an inbox head")
            #expect(shards.allSatisfy { ($0[path: ["inbox_lag"]].numberValue ?? -1) >= 0 })
        }

        let table = try await waymark(["cluster", "status", "--url", urls[1]])
        #expect(table.status == 0, "\(table.output)")
        #expect(table.output.contains("cluster: 8 shards, 2 live nodes, 0 unowned shards"), "\(table.output)")
        #expect(table.output.contains("SHARD  OWNER"), "\(table.output)")
        let json = try await waymark(["cluster", "status", "--url", urls[1], "--format", "json"])
        #expect(json.status == 0)
        #expect(json.output.contains("\"shard_count\" : 8"), "\(json.output)")

        // A node that dies is shown dead once its heartbeat is older than node_timeout, and its shards move.
        two.signal(SIGKILL)
        try await eventually("node2 is shown dead and node1 owns every shard") {
            let answer = try await NodeClient(baseURL: urls[0], timeout: 10).get("/v1/cluster")
            let nodes = answer.json[path: ["nodes"]].arrayValue ?? []
            let dead = nodes.first { $0[path: ["id"]] == .string("node2") }?[path: ["live"]] == .bool(false)
            let mine = nodes.first { $0[path: ["id"]] == .string("node1") }?[path: ["shards"]].arrayValue?.count
            return dead && mine == 8
        }
        let afterKill = try await waymark(["cluster", "status", "--url", urls[0]])
        #expect(afterKill.output.contains("dead"), "\(afterKill.output)")
        one.signal(SIGTERM)
        #expect(try await one.exitStatus() == 0, "\(one.output.suffix(3000))")
    }

    @Test func aSingleNodeIsNotAClusterMember() async throws {
        let workspace = try ClusterWorkspace(database: nil)
        defer { workspace.remove() }
        let node = try workspace.start("single")
        defer { node.killIfRunning() }
        let url = try await node.listeningURL()
        let answer = try await NodeClient(baseURL: url, timeout: 10).get("/v1/cluster")
        #expect(answer.status == 404)
        #expect(answer.json[path: ["error", "code"]] == .string("not_a_cluster_member"))
        let command = try await waymark(["cluster", "status", "--url", url])
        #expect(command.status == 1)
        #expect(command.output.contains("not_a_cluster_member"), "\(command.output)")
        node.signal(SIGTERM)
        _ = try await node.exitStatus()
    }
}
