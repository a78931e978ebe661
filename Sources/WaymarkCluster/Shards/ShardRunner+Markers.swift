import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyStorage
import Logging

extension ShardRunner {
    /// Applies a batch read from the shared inbox, with the timers due, and returns false if it
    /// stopped early at a marker whose journey version this node has not installed yet (the
    /// loop reads from there again shortly). A marker splits the batch: what came before it is
    /// applied and committed first, so the marker reaches every customer known at that point
    /// of the inbox, whichever node applies it.
    func apply(entries: [InboxEntry], timers: [TimerRequest], to shard: Shard, store: SQLiteShardStore, loop: inout RunnerLoop) async throws -> Bool {
        var work = timers.map(ShardWork.timer)
        var applied = loop.appliedSequence
        var times = timers.map(\.due)
        func flush() async throws {
            if !work.isEmpty { try await shard.apply(work) }
            work = []
        }
        defer {
            loop.appliedSequence = applied
            loop.logicalNow = max(loop.logicalNow, times.max() ?? loop.logicalNow)
        }
        for entry in entries {
            if let check = SegmentCheckMarker(entry.input) {
                try await flush()
                guard try await apply(check, to: shard, store: store, loop: &loop) else { return false }
            } else if let exit = ExitRunsMarker(entry.input) {
                try await flush()
                try await apply(exit, to: shard, store: store)
            } else if let tick = ScheduleTickMarker(entry.input) {
                try await flush()
                try await apply(tick, to: shard, store: store, sequence: entry.sequence)
                loop.schedule.fired(tick)
            } else {
                work.append(.inbox(entry))
            }
            applied = entry.sequence
            times.append(entry.input.acceptedAt)
        }
        try await flush()
        return true
    }

    /// A schedule tick for every customer known at this point of the inbox.
    private func apply(_ tick: ScheduleTickMarker, to shard: Shard, store: SQLiteShardStore, sequence: Int64) async throws {
        let customers = try await store.customerIDs()
        try await shard.apply(customers.map { .system(customerID: $0, input: .scheduleTick(journeyID: tick.journeyID), time: tick.at) })
        logger.info("schedule tick applied", metadata: [
            "journey.id": "\(tick.journeyID)", "tick.at": "\(Timestamp.format(tick.at))", "tick.customers": "\(customers.count)",
            "inbox.sequence": "\(sequence)",
        ])
    }

    /// Ends every run of the journey for every customer known at this point of the inbox. The
    /// journey stops taking entries here at once, even if this node has not read the cluster's
    /// undeploy yet, so no run can start after the marker and survive it.
    private func apply(_ exit: ExitRunsMarker, to shard: Shard, store: SQLiteShardStore) async throws {
        var catalog = JourneyCatalog(restoring: try await store.recover().journeyVersions)
        catalog.undeploy(exit.journeyID)
        await shard.setCatalog(catalog)
        let customers = try await store.customerIDs()
        try await shard.apply(customers.map { .system(customerID: $0, input: .undeploy(journeyID: exit.journeyID), time: exit.at) })
        logger.info("journey runs ended", metadata: ["journey.id": "\(exit.journeyID)", "journey.customers": "\(customers.count)"])
    }

    /// Checks the segment journeys for every customer known at this point of the inbox, once this
    /// node has the version the marker names; false (nothing applied) while it does not.
    private func apply(_ check: SegmentCheckMarker, to shard: Shard, store: SQLiteShardStore, loop: inout RunnerLoop) async throws -> Bool {
        try await refreshCatalog(shard, store: store, loop: &loop)
        let known = try await store.recover().journeyVersions.contains { $0.journeyID == check.journeyID && $0.version == check.version }
        guard known else {
            logger.debug("waiting for a journey version before its segment check", metadata: [
                "journey.id": "\(check.journeyID)", "journey.version": "\(check.version)",
            ])
            return false
        }
        let customers = try await store.customerIDs()
        try await shard.apply(customers.map { .system(customerID: $0, input: .checkSegments, time: check.at) })
        logger.info("segment journey checked", metadata: [
            "journey.id": "\(check.journeyID)", "journey.version": "\(check.version)", "journey.customers": "\(customers.count)",
        ])
        return true
    }
}
