import Foundation
import JourneyRuntime

/// Everything another node needs to take a shard over: the customers' snapshots,
/// the pending timers, the sends not yet delivered, the journey versions runs are
/// on, and the inbox position all of it reflects. The new owner restores it and
/// replays the shared inbox after `appliedSequence`.
public struct ShardSnapshot: Sendable, Codable, Hashable {
    public static let currentFormat = 1

    public var format: Int
    public var shard: Int
    /// Every inbox entry up to and including this sequence is in the snapshot.
    public var appliedSequence: Int64
    public var customers: [CustomerState]
    public var timers: [TimerRequest]
    /// Outbox entries still pending when the snapshot was taken.
    public var outbox: [OutboxEntry]
    public var journeyVersions: [StoredJourneyVersion]
    /// The shard's logical time: a restored shard never sees time go backwards.
    public var logicalNow: Date

    public init(
        shard: Int, appliedSequence: Int64, customers: [CustomerState], timers: [TimerRequest], outbox: [OutboxEntry],
        journeyVersions: [StoredJourneyVersion], logicalNow: Date
    ) {
        self.format = Self.currentFormat
        self.shard = shard
        self.appliedSequence = appliedSequence
        self.customers = customers
        self.timers = timers
        self.outbox = outbox
        self.journeyVersions = journeyVersions
        self.logicalNow = logicalNow
    }

    /// An empty shard: nothing applied yet.
    public static func empty(shard: Int) -> ShardSnapshot {
        ShardSnapshot(shard: shard, appliedSequence: 0, customers: [], timers: [], outbox: [], journeyVersions: [], logicalNow: .distantPast)
    }

    /// Reads a shard's committed state out of its local store.
    public static func capture(
        shard: Int, appliedSequence: Int64, logicalNow: Date, from store: any ShardStore
    ) async throws -> ShardSnapshot {
        let recovery = try await store.recover()
        var customers: [CustomerState] = []
        for id in try await store.customerIDs() {
            if let state = try await store.customer(id) { customers.append(state) }
        }
        let outbox = try await store.dueOutbox(now: .distantFuture, limit: Int.max)
        return ShardSnapshot(
            shard: shard, appliedSequence: appliedSequence, customers: customers, timers: recovery.pendingTimers, outbox: outbox,
            journeyVersions: recovery.journeyVersions, logicalNow: logicalNow)
    }

    /// Writes the snapshot into an empty local store, so a shard can recover from it.
    /// `versions` (the journeys this node deployed) are saved after the snapshot's own.
    public func restore(into store: any ShardStore, versions: [StoredJourneyVersion]) async throws {
        for version in journeyVersions + versions {
            try await store.saveJourneyVersion(version)
        }
        try await store.commit(ShardCommit(
            snapshots: customers, timersSet: timers, outbox: outbox.map(\.message),
            appliedInboxSequence: appliedSequence > 0 ? appliedSequence : nil))
        let updates = outbox.filter { $0.attempts > 0 }.map {
            OutboxUpdate(idempotencyKey: $0.message.idempotencyKey, status: $0.status, attempts: $0.attempts, nextAttemptAt: $0.nextAttemptAt, lastError: $0.lastError)
        }
        try await store.updateOutbox(updates)
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    static func decode(_ data: Data, shard: Int) throws -> ShardSnapshot {
        do {
            let snapshot = try JSONDecoder().decode(ShardSnapshot.self, from: data)
            guard snapshot.format <= currentFormat else {
                throw ClusterError(.corruptData, "snapshot format \(snapshot.format) is newer than this node understands", context: ["shard.id": "\(shard)"])
            }
            return snapshot
        } catch let error as ClusterError {
            throw error
        } catch {
            throw ClusterError(.corruptData, "the snapshot of shard \(shard) cannot be decoded", context: ["shard.id": "\(shard)"], cause: error)
        }
    }
}
