import Foundation
import JourneyRuntime

/// Decides which shards this node should acquire or give up, from a ``ClusterView``.
///
/// - Free shards (never owned, released, or whose owner's lease expired) are
///   taken at once up to this node's target share, and beyond it when no other
///   live node is short of its share: an orphaned shard is never left waiting.
/// - A node holding more than its share gives shards up only while another
///   node is short, at most `maximumMovesPerRound` at a time and at most once
///   per `moveInterval`: moves are rate-limited, never all at once. A new node
///   thus gets its share within a few intervals.
/// - A draining node releases everything it holds and acquires nothing.
///
/// Every node runs the same rules on the same view, so they agree without
/// talking to each other; the lease table arbitrates any race.
public struct Balancer: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public struct Configuration: Sendable, Hashable {
        public var maximumMovesPerRound: Int
        public var moveInterval: Duration

        public init(maximumMovesPerRound: Int = 1, moveInterval: Duration = .seconds(1)) {
            self.maximumMovesPerRound = maximumMovesPerRound
            self.moveInterval = moveInterval
        }
    }

    public enum Input: Sendable {
        /// One round: what the coordinator shows, read at local instant `now`.
        case observe(ClusterView, now: Instant)
        /// Shutdown: give everything back.
        case drain
    }

    public enum Action: Sendable, Hashable {
        case acquire(shard: Int)
        /// Hand the shard over: final snapshot, then release the lease.
        case release(shard: Int)
    }

    public let me: String
    public let configuration: Configuration
    public private(set) var draining = false
    private var lastMove: Instant?

    public init(me: String, configuration: Configuration = Configuration()) {
        self.me = me
        self.configuration = configuration
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch input {
        case .drain:
            draining = true
            return []
        case .observe(let view, let now):
            return decide(view, now: now)
        }
    }

    private mutating func decide(_ view: ClusterView, now: Instant) -> [Action] {
        let held = view.heldShards
        let mine = held[me] ?? []
        if draining { return mine.map { .release(shard: $0) } }

        var nodes = view.nodes
        if !nodes.contains(where: { $0.incarnation == me }) {
            nodes.append(ClusterNode(incarnation: me, nodeID: me, advertise: ""))
        }
        let targets = ClusterView(shardCount: view.shardCount, nodes: nodes, leases: view.leases, now: view.now).targets()
        let target = targets[me] ?? 0
        // What the other nodes still need to reach their share.
        let othersNeed = targets.reduce(0) { need, entry in
            entry.key == me ? need : need + max(0, entry.value - (held[entry.key]?.count ?? 0))
        }
        // Each node tries free shards in its own order, so nodes rarely race for the same one.
        let free = view.freeShards.sorted { preference($0) < preference($1) }
        let spare = free.count - othersNeed
        if mine.count < target || spare > 0 {
            let take = max(target - mine.count, spare)
            return free.prefix(max(0, take)).map { .acquire(shard: $0) }
        }
        guard mine.count > target, othersNeed > free.count else { return [] }
        if let lastMove, now < lastMove.advanced(by: configuration.moveInterval) { return [] }
        lastMove = now
        let moves = min(configuration.maximumMovesPerRound, mine.count - target)
        return mine.suffix(moves).reversed().map { .release(shard: $0) }
    }

    /// Rendezvous order: a stable, per-node shuffle of the shards.
    private func preference(_ shard: Int) -> UInt64 {
        StableHash.mix(StableHash.fnv1a64("\(me)/\(shard)"))
    }
}
