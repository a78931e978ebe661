import Foundation

/// What an operator sees of the cluster (`GET /v1/cluster`, `waymark cluster status`):
/// the nodes with their heartbeats and shards, and every shard's lease and inbox lag,
/// all read from PostgreSQL at one database instant.
public struct ClusterStatus: Sendable, Hashable {
    public struct Node: Sendable, Hashable {
        public var incarnation: String
        public var nodeID: String
        /// Where operators and other nodes reach the node's API (`cluster.advertise`).
        public var advertise: String
        public var draining: Bool
        public var startedAt: Date
        public var lastSeen: Date
        /// Its heartbeat is younger than the node timeout.
        public var live: Bool
        /// The shards whose unexpired lease it holds.
        public var shards: [Int]
    }

    public struct Shard: Sendable, Hashable {
        public var shard: Int
        /// The lease holder (an incarnation), nil when free.
        public var owner: String?
        public var epoch: Int64
        public var expiresAt: Date
        /// The lease is held and has not expired.
        public var leaseLive: Bool
        /// The last sequence appended to the shard's inbox.
        public var inboxHead: Int64
        /// The inbox position the shard's latest snapshot covers, nil before the first snapshot.
        public var snapshotSequence: Int64?
        public var snapshotAt: Date?

        /// Entries not yet covered by the latest snapshot: what a new owner would replay. While a
        /// shard takes traffic this is about `snapshot_interval` worth of entries; a number that keeps
        /// growing means the owner is not keeping up (or there is none).
        public var inboxLag: Int64 { max(0, inboxHead - (snapshotSequence ?? 0)) }

        /// The node id part of the owner's incarnation (`node1#5f3a` → `node1`).
        public var ownerNodeID: String? { owner.map { String($0.split(separator: "#", maxSplits: 1).first ?? Substring($0)) } }
    }

    public var shardCount: Int
    /// The database's clock when it was read.
    public var now: Date
    public var nodes: [Node]
    public var shards: [Shard]
}

/// Where a node reads the cluster's status from; ``PostgresCoordinator`` is the real one.
public protocol ClusterStatusSource: Sendable {
    /// Nodes (live first) and shards as PostgreSQL has them; a node is live if seen within `nodeTimeout`.
    func clusterStatus(nodeTimeout: Duration) async throws -> ClusterStatus
}
