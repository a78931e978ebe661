import Foundation

/// One shard's lease as the coordinator records it: who owns the shard, until
/// when (on the database's clock), and the fencing epoch of that ownership.
///
/// The epoch only goes up: every acquisition, including taking over an expired
/// lease, gets the next number, so any write stamped with an older epoch is
/// recognisably stale.
public struct Lease: Sendable, Hashable, CustomStringConvertible {
    public var shard: Int
    /// The owning node incarnation, or nil when nobody holds the shard.
    public var owner: String?
    public var epoch: Int64
    /// On the database's clock. A lease is held while `now < expiresAt`.
    public var expiresAt: Date

    public init(shard: Int, owner: String?, epoch: Int64, expiresAt: Date) {
        self.shard = shard
        self.owner = owner
        self.epoch = epoch
        self.expiresAt = expiresAt
    }

    /// Whether someone holds the lease at `now` (database time).
    public func isHeld(at now: Date) -> Bool {
        owner != nil && now < expiresAt
    }

    /// Whether `owner` holds this lease with `epoch` at `now`: the check every owner write makes.
    public func isHeld(by owner: String, epoch: Int64, at now: Date) -> Bool {
        self.owner == owner && self.epoch == epoch && now < expiresAt
    }

    public var description: String {
        "shard \(shard) epoch \(epoch) owner \(owner ?? "-") until \(expiresAt.timeIntervalSince1970)"
    }
}

/// A lease granted to this node: what the self-fence needs to know about it.
public struct LeaseGrant: Sendable, Hashable {
    public var shard: Int
    public var epoch: Int64
    /// How long the lease still runs, measured on the database's clock when it answered.
    public var remaining: Duration

    public init(shard: Int, epoch: Int64, remaining: Duration) {
        self.shard = shard
        self.epoch = epoch
        self.remaining = remaining
    }

    /// The grant a lease gives, read at database time `now`.
    public init(_ lease: Lease, now: Date) {
        self.init(shard: lease.shard, epoch: lease.epoch, remaining: .seconds(max(0, lease.expiresAt.timeIntervalSince(now))))
    }
}
