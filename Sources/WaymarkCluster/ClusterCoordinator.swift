import Foundation
import JourneyRuntime

/// The cluster's system of record and coordinator, as the rest of the cluster code
/// sees it. ``PostgresCoordinator`` is the real one.
///
/// Every method that writes on behalf of a shard owner takes the owner's
/// incarnation and epoch and checks them against the lease in the same
/// transaction as the write: a node that lost its lease can change nothing.
public protocol ClusterCoordinator: Sendable {
    /// Creates the cluster (recording `shardCount`) or checks that it was created with the same count.
    func join(_ node: ClusterNode, shardCount: Int) async throws

    /// Records a heartbeat and returns the live nodes and every lease, read at one database instant.
    func heartbeat(_ node: ClusterNode, nodeTimeout: Duration) async throws -> ClusterView

    /// Takes a free or expired lease; nil when someone holds it.
    func acquire(shard: Int, owner: String, ttl: Duration) async throws -> LeaseGrant?

    /// Renews the given leases; those not renewed are lost.
    func renew(owner: String, epochs: [Int: Int64], ttl: Duration) async throws -> [LeaseGrant]

    /// Gives a lease up at once (its epoch stays; the next owner takes the one after).
    func release(shard: Int, owner: String, epoch: Int64) async throws

    /// Removes the node's heartbeat (graceful leave).
    func leave(_ node: ClusterNode) async throws

    /// Durably appends inputs to the shard's shared inbox in one transaction; event ids seen before are duplicates.
    func append(shard: Int, _ inputs: [InboxInput]) async throws -> [InboxAppendResult]

    /// Inbox entries after `sequence`, in order, at most `limit`.
    func inbox(shard: Int, after sequence: Int64, limit: Int) async throws -> [InboxEntry]

    /// Stores the shard's snapshot (epoch-checked) and drops the inbox entries it covers.
    func saveSnapshot(_ snapshot: ShardSnapshot, owner: String, epoch: Int64) async throws

    /// The latest snapshot of a shard, if any was taken.
    func latestSnapshot(shard: Int) async throws -> ShardSnapshot?

    /// Claims a send before it leaves (epoch-checked).
    func claimDelivery(key: String, shard: Int, owner: String, epoch: Int64) async throws -> DeliveryClaim

    /// Records that a claimed send left.
    func confirmDelivery(key: String, owner: String, epoch: Int64) async throws

    /// Fires a schedule tick for a shard (epoch-checked): moves the shard's mark for the journey
    /// to the tick and appends the tick's marker to the shard's inbox, in one transaction. False
    /// (and nothing appended) when the mark is already at or past the tick: it was fired before.
    func appendScheduleTick(shard: Int, tick: ScheduleTickMarker, owner: String, epoch: Int64) async throws -> Bool

    /// The last tick fired per journey for a shard.
    func scheduleMarks(shard: Int) async throws -> [String: Date]
}

/// The answer to a delivery claim.
public enum DeliveryClaim: Sendable, Hashable {
    /// This owner may send it now.
    case claimed
    /// It was already delivered (by this or an earlier owner): do not send it again.
    case alreadyDelivered
}
