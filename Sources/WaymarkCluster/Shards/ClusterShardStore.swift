import Foundation
import JourneyRuntime

/// The engine's view of one shard in cluster mode. The engine does not run its own
/// shard loops in a cluster (the shard runners do); it keeps deploying journeys and
/// answering reads. Reads go to the shard's working store when this node runs the
/// shard and find nothing otherwise; journey versions are kept for the runners.
/// Inbox appends and commits belong to the runners and the shared inbox, so they
/// are refused here.
public struct ClusterShardStore: ShardStore {
    public let shard: Int
    let local: LocalShards

    public init(shard: Int, local: LocalShards) {
        self.shard = shard
        self.local = local
    }

    public func recover() async throws -> ShardRecovery {
        ShardRecovery(pendingTimers: [], unappliedInbox: [], journeyVersions: local.versions.versions)
    }

    public func customer(_ id: String) async throws -> CustomerState? {
        try await local.store(shard)?.customer(id)
    }

    public func customers(_ ids: [String]) async throws -> [String: CustomerState] {
        try await local.store(shard)?.customers(ids) ?? [:]
    }

    public func customerIDs() async throws -> [String] {
        try await local.store(shard)?.customerIDs() ?? []
    }

    public func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        throw ClusterError(.notOwner, "in cluster mode inputs go to the shared inbox, not to a local shard", context: ["shard.id": "\(shard)"])
    }

    public func commit(_ commit: ShardCommit) async throws {
        throw ClusterError(.notOwner, "in cluster mode only the shard runner commits", context: ["shard.id": "\(shard)"])
    }

    public func dueOutbox(now: Date, limit: Int) async throws -> [OutboxEntry] {
        try await local.store(shard)?.dueOutbox(now: now, limit: limit) ?? []
    }

    public func updateOutbox(_ updates: [OutboxUpdate]) async throws {
        try await local.store(shard)?.updateOutbox(updates)
    }

    public func outboxCounts() async throws -> [OutboxEntry.Status: Int] {
        try await local.store(shard)?.outboxCounts() ?? [:]
    }

    public func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord] {
        try await local.store(shard)?.recentActions(of: customerID, limit: limit) ?? []
    }

    public func saveJourneyVersion(_ version: StoredJourneyVersion) async throws {
        local.saveVersion(version)
        try await local.store(shard)?.saveJourneyVersion(version)
    }
}
