import Foundation

/// A live node as the coordinator sees it.
public struct ClusterNode: Sendable, Hashable {
    /// The incarnation that owns leases: the configured node id plus a per-start suffix, so a
    /// restarted node never mistakes its previous life's leases for its own.
    public var incarnation: String
    public var nodeID: String
    /// `host:port` other nodes and operators reach this node at.
    public var advertise: String
    /// A draining node is leaving: its target share is zero.
    public var draining: Bool

    public init(incarnation: String, nodeID: String, advertise: String, draining: Bool = false) {
        self.incarnation = incarnation
        self.nodeID = nodeID
        self.advertise = advertise
        self.draining = draining
    }
}

/// What one round of the membership loop read from the coordinator, in one transaction:
/// the live nodes, every lease, and the database's clock at that moment.
public struct ClusterView: Sendable, Hashable {
    public var shardCount: Int
    public var nodes: [ClusterNode]
    public var leases: [Lease]
    /// The database's `now()`, which every lease expiry is compared with.
    public var now: Date

    public init(shardCount: Int, nodes: [ClusterNode], leases: [Lease], now: Date) {
        self.shardCount = shardCount
        self.nodes = nodes
        self.leases = leases
        self.now = now
    }

    /// Shards whose lease someone holds at `now`, by holder.
    public var heldShards: [String: [Int]] {
        var held: [String: [Int]] = [:]
        for lease in leases where lease.isHeld(at: now) {
            held[lease.owner!, default: []].append(lease.shard)
        }
        return held.mapValues { $0.sorted() }
    }

    /// Shards nobody holds (never acquired, released, or expired).
    public var freeShards: [Int] {
        leases.filter { !$0.isHeld(at: now) }.map(\.shard).sorted()
    }

    /// The share of shards each active node should own: the shard count split as evenly as
    /// possible, the larger shares going to the first incarnations in sorted order (so every
    /// node computes the same targets). Draining nodes get zero.
    public func targets() -> [String: Int] {
        let active = nodes.filter { !$0.draining }.map(\.incarnation).sorted()
        var targets = Dictionary(uniqueKeysWithValues: nodes.map { ($0.incarnation, 0) })
        guard !active.isEmpty else { return targets }
        let base = shardCount / active.count
        let extra = shardCount % active.count
        for (rank, incarnation) in active.enumerated() {
            targets[incarnation] = base + (rank < extra ? 1 : 0)
        }
        return targets
    }
}
