import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyStorage
import Logging

extension ShardRunner {
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
