import Foundation
import Testing
import WaymarkCluster
@testable import WaymarkServer

/// The `cluster:` section of a node's config: required keys, timings, and timings that must nest.
struct ClusterConfigurationTests {
    func parse(_ cluster: String) throws -> NodeConfiguration {
        try NodeConfiguration.parse("shard_count: 8\ncluster:\n" + cluster, file: "node.yaml")
    }

    @Test func withoutAClusterSectionANodeStaysSingle() throws {
        #expect(try NodeConfiguration.parse("port: 9000", file: "node.yaml").cluster == nil)
    }

    @Test func aClusterSectionWithDefaultsAndOverrides() throws {
        let configuration = try parse("""
              postgres: postgres://waymark:secret@db:5432/waymark
              node_id: node-1
              advertise: 10.0.0.1:8080
              lease_duration: 6s
              renew_interval: 1s
              safety_margin: 2s
              poll_interval: 250ms
              max_moves: 3
              journey_poll_interval: 2s
              schedule_catch_up: 6h
            """)
        let cluster = try #require(configuration.cluster)
        #expect(cluster.postgresURL == "postgres://waymark:secret@db:5432/waymark")
        #expect(cluster.nodeID == "node-1")
        #expect(cluster.advertise == "10.0.0.1:8080")
        #expect(cluster.leaseDuration == .seconds(6))
        #expect(cluster.renewInterval == .seconds(1))
        #expect(cluster.safetyMargin == .seconds(2))
        #expect(cluster.pollInterval == .milliseconds(250))
        #expect(cluster.snapshotInterval == .seconds(5))
        #expect(cluster.balancer.maximumMovesPerRound == 3)
        #expect(cluster.sessionTimeout == .seconds(2))
        #expect(cluster.journeyPollInterval == .seconds(2))
        #expect(cluster.scheduleCatchUp == .seconds(6 * 3600))
        let defaults = try #require(try parse("  postgres: postgres://h/db\n  node_id: a\n  advertise: h:1\n").cluster)
        #expect(defaults.journeyPollInterval == .seconds(1))
        #expect(defaults.scheduleCatchUp == .seconds(3600))
    }

    @Test(arguments: [
        ("  node_id: a\n  advertise: h:1\n", "cluster needs `postgres: postgres://…`"),
        ("  postgres: postgres://h/db\n  advertise: h:1\n", "cluster needs `node_id:`"),
        ("  postgres: postgres://h/db\n  node_id: a\n", "cluster needs `advertise: host:port`"),
        ("  postgres: mysql://h/db\n  node_id: a\n  advertise: h:1\n", "cluster.postgres must be a postgres://"),
        ("  postgres: postgres://h/db\n  node_id: a\n  advertise: nowhere\n", "cluster.advertise must be host:port"),
        ("  postgres: postgres://h/db\n  node_id: a b\n  advertise: h:1\n", "cluster.node_id must be letters"),
        ("  postgres: postgres://h/db\n  node_id: a\n  advertise: h:1\n  lease_duration: 4s\n", "must be shorter than cluster.lease_duration"),
        ("  postgres: postgres://h/db\n  node_id: a\n  advertise: h:1\n  leases: 4s\n", "unknown key `leases`"),
    ])
    func badClusterSettingsAreRefusedWithTheirReason(_ text: String, _ message: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try parse(text) }
        #expect(error?.message.contains(message) == true, "\(error?.description ?? "no error")")
        #expect(error?.file == "node.yaml")
    }

    @Test func anUnusableTimingPointsAtItsLineOrAtTheSectionWhenItIsImplied() throws {
        let written = #expect(throws: ConfigurationError.self) {
            try parse("  postgres: postgres://h/db\n  node_id: a\n  advertise: h:1\n  lease_duration: 4s\n")
        }
        #expect(written?.line == 6)
        let implied = #expect(throws: ConfigurationError.self) {
            try parse("  postgres: postgres://h/db\n  node_id: a\n  advertise: h:1\n  renew_interval: 9s\n")
        }
        #expect(implied?.line == 3)
    }
}
