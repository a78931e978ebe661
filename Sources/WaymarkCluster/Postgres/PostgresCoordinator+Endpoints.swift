import Foundation
import Logging
import PostgresNIO

/// Where the live nodes serve node-to-node calls, and which of them owns each shard:
/// what a caller needs to reach a customer's actor.
public struct ClusterEndpoints: Sendable, Hashable {
    public struct Node: Sendable, Hashable {
        public var incarnation: String
        public var nodeID: String
        /// `host:port` of the node's gRPC service.
        public var grpcAddress: String
        public var envelopeVersion: Int
    }

    /// Live nodes that published an address.
    public var nodes: [Node]
    /// Shard → the incarnation holding its lease now (on the database's clock).
    public var owners: [Int: String]
}

extension PostgresCoordinator {
    /// Records where this node serves node-to-node calls. False while the node has no row
    /// yet (before it joined) or after it left: publish again after the next join.
    public func publishEndpoint(incarnation: String, grpcAddress: String, envelopeVersion: Int) async throws -> Bool {
        try await transaction("publish_endpoint") { connection, logger in
            let rows = try await connection.query(
                """
                UPDATE waymark_nodes SET grpc_address = \(grpcAddress), envelope_version = \(envelopeVersion)
                WHERE incarnation = \(incarnation) RETURNING incarnation
                """, logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
    }

    /// The live nodes' endpoints and the shards' current holders, read at one instant.
    public func endpoints(nodeTimeout: Duration) async throws -> ClusterEndpoints {
        try await transaction("endpoints") { connection, logger in
            var nodes: [ClusterEndpoints.Node] = []
            let nodeRows = try await connection.query(
                """
                SELECT incarnation, node_id, grpc_address, coalesce(envelope_version, 1) FROM waymark_nodes
                WHERE grpc_address IS NOT NULL AND last_seen > now() - make_interval(secs => \(nodeTimeout.seconds))
                ORDER BY incarnation
                """, logger: logger)
            for try await (incarnation, nodeID, address, version) in nodeRows.decode((String, String, String, Int).self) {
                nodes.append(.init(incarnation: incarnation, nodeID: nodeID, grpcAddress: address, envelopeVersion: version))
            }
            var owners: [Int: String] = [:]
            let leaseRows = try await connection.query(
                "SELECT shard, owner FROM waymark_leases WHERE owner IS NOT NULL AND expires_at > now()", logger: logger)
            for try await (shard, owner) in leaseRows.decode((Int, String).self) {
                owners[shard] = owner
            }
            return ClusterEndpoints(nodes: nodes, owners: owners)
        }
    }
}
