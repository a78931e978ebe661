import Foundation

/// The lease decisions, as a value: acquire a free or expired lease (taking the
/// next epoch), renew one's own live lease, release it, and verify it before a
/// write. Every decision reads `now` from the input, which is the database's
/// clock in production (`now()` in PostgreSQL) and a test's clock here.
///
/// ``PostgresCoordinator`` runs the same rules as SQL statements; this value is
/// the specification those statements are tested against, and the lease table
/// of ``InMemoryCoordinator``.
public struct LeaseTable: Sendable {
    public enum Input: Sendable, Hashable {
        /// Take a shard nobody holds, or whose lease has expired (stealing it after expiry).
        case acquire(shard: Int, owner: String, ttl: Duration, now: Date)
        /// Extend one's own live lease. A lease that already expired cannot be renewed, only acquired again.
        case renew(shard: Int, owner: String, epoch: Int64, ttl: Duration, now: Date)
        /// Give a shard up at once (graceful handoff). The epoch stays; the next owner takes the one after.
        case release(shard: Int, owner: String, epoch: Int64, now: Date)
        /// The fencing check of a write: does `owner` still hold `epoch`?
        case verify(shard: Int, owner: String, epoch: Int64, now: Date)
    }

    public enum Refusal: Sendable, Hashable {
        /// Someone else (or this owner, for an acquire) holds a live lease.
        case held(by: String, until: Date)
        /// The caller's epoch is not the current one, or its lease expired or was released.
        case fenced(current: Lease)
        case unknownShard
    }

    public enum Action: Sendable, Hashable {
        case granted(Lease)
        case released(Lease)
        case verified(Lease)
        case refused(shard: Int, Refusal)
    }

    public private(set) var leases: [Lease]

    /// A table of `shardCount` free leases at epoch 0.
    public init(shardCount: Int) {
        leases = (0..<shardCount).map { Lease(shard: $0, owner: nil, epoch: 0, expiresAt: .distantPast) }
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch input {
        case .acquire(let shard, let owner, let ttl, let now):
            guard var lease = lease(shard) else { return [.refused(shard: shard, .unknownShard)] }
            if lease.isHeld(at: now), let holder = lease.owner {
                return [.refused(shard: shard, .held(by: holder, until: lease.expiresAt))]
            }
            lease.owner = owner
            lease.epoch += 1
            lease.expiresAt = now.addingTimeInterval(ttl.seconds)
            leases[shard] = lease
            return [.granted(lease)]
        case .renew(let shard, let owner, let epoch, let ttl, let now):
            guard var lease = lease(shard) else { return [.refused(shard: shard, .unknownShard)] }
            guard lease.isHeld(by: owner, epoch: epoch, at: now) else { return [.refused(shard: shard, .fenced(current: lease))] }
            lease.expiresAt = now.addingTimeInterval(ttl.seconds)
            leases[shard] = lease
            return [.granted(lease)]
        case .release(let shard, let owner, let epoch, let now):
            guard var lease = lease(shard) else { return [.refused(shard: shard, .unknownShard)] }
            guard lease.owner == owner, lease.epoch == epoch else { return [.refused(shard: shard, .fenced(current: lease))] }
            lease.owner = nil
            lease.expiresAt = min(lease.expiresAt, now)
            leases[shard] = lease
            return [.released(lease)]
        case .verify(let shard, let owner, let epoch, let now):
            guard let lease = lease(shard) else { return [.refused(shard: shard, .unknownShard)] }
            guard lease.isHeld(by: owner, epoch: epoch, at: now) else { return [.refused(shard: shard, .fenced(current: lease))] }
            return [.verified(lease)]
        }
    }

    public func lease(_ shard: Int) -> Lease? {
        leases.indices.contains(shard) ? leases[shard] : nil
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: TimeInterval {
        let (whole, attoseconds) = components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}
