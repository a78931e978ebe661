import Foundation
import JourneyEngine
import JourneyRuntime
import JourneyStorage
import Logging
import Synchronization

/// Runs one shard for one ownership (one lease epoch) on this node.
///
/// It restores the shard's latest snapshot from PostgreSQL into a fresh local
/// SQLite store, recovers an engine ``Shard`` from it, and then feeds the shard
/// from the shared inbox after the snapshot's position, together with its due
/// timers, batch by batch (each batch one local commit). Sends leave through an
/// ``OutboxRelay`` whose adapters go through the delivery ledger. While the shard
/// changes, it uploads a snapshot every `snapshotInterval`, and once more when it
/// hands the shard over.
///
/// It stops as soon as the self-fence says the lease may expire, when the
/// membership asks it to (handoff or loss), or when a local failure makes its
/// memory untrustworthy; the next owner starts again from the last snapshot.
public final class ShardRunner: Sendable {
    public enum Stop: Sendable, Hashable {
        /// Upload a final snapshot, then stop (the lease is released after).
        case handoff
        /// Stop now: the lease is lost or may expire.
        case immediately
    }

    public let shard: Int
    public let epoch: Int64
    let context: ShardRunnerContext
    let logger: Logger
    let doorbell = Doorbell()
    private let stopRequest = Mutex<Stop?>(nil)

    public init(shard: Int, epoch: Int64, context: ShardRunnerContext) {
        self.shard = shard
        self.epoch = epoch
        self.context = context
        var logger = context.logger
        logger[metadataKey: "shard.id"] = "\(shard)"
        logger[metadataKey: "lease.epoch"] = "\(epoch)"
        self.logger = logger
    }

    /// Asks the loop to stop; a handoff request is never downgraded by a later one, nor an immediate stop upgraded.
    public func requestStop(_ stop: Stop) {
        stopRequest.withLock { current in
            if current != .immediately { current = stop }
        }
        doorbell.ring()
    }

    var requestedStop: Stop? { stopRequest.withLock { $0 } }

    var mayProcess: Bool { context.fence.mayProcess(shard: shard, epoch: epoch) }

    /// Restores, runs until stopped, and cleans the working files up.
    public func run() async throws {
        let snapshot = try await context.coordinator.latestSnapshot(shard: shard) ?? .empty(shard: shard)
        let path = try prepareWorkFile()
        let store = try SQLiteShardStore(path: path.path, shard: shard, options: context.storeOptions)
        defer {
            try? store.close()
            removeWorkFiles(path)
        }
        try await snapshot.restore(into: store, versions: context.local.versions.versions)
        let relay = context.ledgerRelay(shard: shard, epoch: epoch, logger: logger).map {
            OutboxRelay(store: store, configuration: $0, clock: context.clock, seed: UInt64(bitPattern: epoch) &* 31 &+ UInt64(shard), logger: logger)
        }
        let engineShard = Shard(
            index: shard, store: store, interpreter: Interpreter(catalog: JourneyCatalog(), channels: context.channels),
            actorSystem: context.actorSystem, passivation: context.passivation, start: max(context.clock.now(), snapshot.logicalNow),
            observer: RunnerObserver(relay: relay, next: context.observer), logger: context.logger)
        _ = try await engineShard.recover()
        logger.info("shard taken over", metadata: [
            "snapshot.applied_sequence": "\(snapshot.appliedSequence)", "snapshot.customers": "\(snapshot.customers.count)",
            "snapshot.timers": "\(snapshot.timers.count)", "snapshot.outbox": "\(snapshot.outbox.count)",
        ])
        context.local.attach(shard: shard, epoch: epoch, store: store, doorbell: doorbell)
        context.local.attachEngine(shard: shard, epoch: epoch, engine: engineShard)
        defer { context.local.detach(shard: shard, epoch: epoch) }
        let relayTask = relay.map { relay in Task { await relay.run() } }
        defer { relayTask?.cancel() }
        if let relay { context.local.relays.started(relay) }
        defer { if let relay { context.local.relays.ended(relay) } }

        var loop = RunnerLoop(appliedSequence: snapshot.appliedSequence, logicalNow: snapshot.logicalNow, snapshotAt: context.fence.instant)
        loop.versionGeneration = context.local.versions.generation
        try await prepareSchedule(store: store, loop: &loop)
        try await run(engineShard, store: store, loop: &loop)

        if requestedStop == .handoff, mayProcess {
            try await uploadSnapshot(store: store, loop: &loop)
            logger.info("shard handed over", metadata: ["snapshot.applied_sequence": "\(loop.appliedSequence)"])
        } else {
            logger.notice("shard stopped", metadata: ["reason": "\(requestedStop.map { "\($0)" } ?? "fenced")"])
        }
        relayTask?.cancel()
        await relayTask?.value
    }

    func uploadSnapshot(store: SQLiteShardStore, loop: inout RunnerLoop) async throws {
        let snapshot = try await ShardSnapshot.capture(
            shard: shard, appliedSequence: loop.appliedSequence, logicalNow: loop.logicalNow, from: store)
        try await context.coordinator.saveSnapshot(snapshot, owner: context.owner, epoch: epoch)
        loop.snapshotAt = context.fence.instant
        loop.dirty = false
        logger.debug("snapshot uploaded", metadata: ["snapshot.applied_sequence": "\(snapshot.appliedSequence)", "snapshot.customers": "\(snapshot.customers.count)"])
    }

    private func prepareWorkFile() throws -> URL {
        let folder = context.workDirectory
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(String(format: "shard-%04d.sqlite", shard))
        removeWorkFiles(path)
        return path
    }

    private func removeWorkFiles(_ path: URL) {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path.path + suffix)
        }
    }
}

/// The loop's bookkeeping: how far the inbox was applied and when the last snapshot left.
struct RunnerLoop {
    var appliedSequence: Int64
    var logicalNow: Date
    var snapshotAt: ContinuousClock.Instant
    var dirty = false
    var versionGeneration = 0
    /// The schedule ticks this shard fires (its marks come from PostgreSQL when the runner starts).
    var schedule = SchedulePlan()
}
