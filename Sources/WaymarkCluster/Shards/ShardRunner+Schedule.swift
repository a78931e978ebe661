import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyStorage
import Logging

extension ShardRunner {
    /// Applies a batch read from the shared inbox, with the timers due. A schedule tick's
    /// marker splits the batch: what came before it is applied and committed first, so the
    /// tick reaches every customer known at that point of the inbox, whichever node applies it.
    func apply(entries: [InboxEntry], timers: [TimerRequest], to shard: Shard, store: SQLiteShardStore, loop: inout RunnerLoop) async throws {
        var work = timers.map(ShardWork.timer)
        for entry in entries {
            if let exit = ExitRunsMarker(entry.input) {
                if !work.isEmpty {
                    try await shard.apply(work)
                    work = []
                }
                try await apply(exit, to: shard, store: store)
                continue
            }
            guard let tick = ScheduleTickMarker(entry.input) else {
                work.append(.inbox(entry))
                continue
            }
            if !work.isEmpty {
                try await shard.apply(work)
                work = []
            }
            let customers = try await store.customerIDs()
            try await shard.apply(customers.map { .system(customerID: $0, input: .scheduleTick(journeyID: tick.journeyID), time: tick.at) })
            loop.schedule.fired(tick)
            logger.info("schedule tick applied", metadata: [
                "journey.id": "\(tick.journeyID)", "tick.at": "\(Timestamp.format(tick.at))", "tick.customers": "\(customers.count)",
                "inbox.sequence": "\(entry.sequence)",
            ])
        }
        if !work.isEmpty { try await shard.apply(work) }
        loop.appliedSequence = entries.last?.sequence ?? loop.appliedSequence
        let latest = (entries.map(\.input.acceptedAt) + timers.map(\.due)).max()
        loop.logicalNow = max(loop.logicalNow, latest ?? loop.logicalNow)
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

    /// Puts the schedule ticks due now into the shard's inbox (each moving its mark in
    /// PostgreSQL, epoch-checked); true if it appended any. Called once the loop caught up
    /// with the inbox, so the marks of ticks a predecessor fired are known.
    func fireDueTicks(loop: inout RunnerLoop) async throws -> Bool {
        let round = loop.schedule.due(now: context.clock.now())
        for (journeyID, horizon) in round.skipped.sorted(by: { $0.key < $1.key }) {
            logger.warning("schedule ticks older than the catch-up window skipped", metadata: [
                "journey.id": "\(journeyID)", "tick.skipped_before": "\(Timestamp.format(horizon))",
            ])
            loop.schedule.skip(journeyID, until: horizon)
        }
        var appended = false
        for tick in round.ticks {
            guard mayProcess else { break }
            if try await context.coordinator.appendScheduleTick(shard: shard, tick: tick, owner: context.owner, epoch: epoch) {
                appended = true
                logger.info("schedule tick fired", metadata: ["journey.id": "\(tick.journeyID)", "tick.at": "\(Timestamp.format(tick.at))"])
            }
            loop.schedule.fired(tick)
        }
        return appended
    }

    /// Loads the shard's schedule marks and journeys when the runner starts.
    func prepareSchedule(store: SQLiteShardStore, loop: inout RunnerLoop) async throws {
        loop.schedule = SchedulePlan(marks: try await context.coordinator.scheduleMarks(shard: shard), catchUp: context.settings.scheduleCatchUp)
        loop.schedule.update(versions: try await store.recover().journeyVersions)
    }
}
