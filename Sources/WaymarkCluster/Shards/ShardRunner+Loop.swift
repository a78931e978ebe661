import Foundation
import JourneyEngine
import JourneyRuntime
import JourneyStorage
import Logging

extension ShardRunner {
    /// Applies inbox entries and due timers until stopped or fenced.
    func run(_ shard: Shard, store: SQLiteShardStore, loop: inout RunnerLoop) async throws {
        let settings = context.settings
        var backoff: Duration = .milliseconds(50)
        while requestedStop == nil, mayProcess, !Task.isCancelled {
            let entries: [InboxEntry]
            do {
                entries = try await context.coordinator.inbox(shard: self.shard, after: loop.appliedSequence, limit: 500)
                backoff = .milliseconds(50)
            } catch {
                logger.error("reading the shared inbox failed; retrying", metadata: ["error": "\(error)"])
                await doorbell.wait(timeout: backoff)
                backoff = min(backoff * 2, .seconds(2))
                continue
            }
            // After the read: entries accepted once a journey was installed on this node are applied
            // with it (a journey this node lists is the journey its shards run from then on).
            try await refreshCatalog(shard, store: store, loop: &loop)
            // Timers beyond the shard's memory window come from its local store, page by page.
            do {
                try await shard.pageInTimersIfNeeded()
            } catch {
                logger.error("reading the next page of timers failed; will retry", metadata: ["error": "\(error)"])
            }
            let due = await shard.takeDueTimers(now: context.clock.now())
            if !entries.isEmpty || !due.isEmpty {
                // Local only, but pointless once the lease may be gone: the next owner replays it.
                guard mayProcess else { break }
                let complete = try await apply(entries: entries, timers: due, to: shard, store: store, loop: &loop)
                loop.dirty = true
                if !complete {
                    // A marker names a journey version this node has not installed yet: read again shortly.
                    await doorbell.wait(timeout: settings.pollInterval)
                    continue
                }
                if entries.count == 500 { continue }
            }
            // Caught up with the inbox: the schedule ticks due now go into it, and are applied next.
            do {
                if try await fireDueTicks(loop: &loop) { continue }
            } catch let error as ClusterError where error.code == .fenced {
                logger.warning("schedule tick refused: the lease is gone", metadata: ["error": "\(error)"])
                break
            } catch {
                logger.error("firing schedule ticks failed; will retry", metadata: ["error": "\(error)"])
            }
            if loop.dirty, context.fence.instant >= loop.snapshotAt.advanced(by: settings.snapshotInterval) {
                do {
                    try await uploadSnapshot(store: store, loop: &loop)
                } catch let error as ClusterError where error.code == .fenced {
                    logger.warning("snapshot refused: the lease is gone", metadata: ["error": "\(error)"])
                    break
                } catch {
                    logger.error("snapshot upload failed; will retry", metadata: ["error": "\(error)"])
                }
            }
            var wait = settings.pollInterval
            for next in [await shard.nextTimerDue(), loop.schedule.nextTick()].compactMap({ $0 }) {
                let until = next.timeIntervalSince(context.clock.now())
                wait = min(wait, .milliseconds(Int64(max(0, until) * 1000)))
            }
            if wait > .zero { await doorbell.wait(timeout: wait) }
        }
    }

    /// Picks up journeys deployed on this node since the shard started.
    func refreshCatalog(_ shard: Shard, store: SQLiteShardStore, loop: inout RunnerLoop) async throws {
        let (versions, generation) = context.local.versions
        guard generation != loop.versionGeneration else { return }
        loop.versionGeneration = generation
        for version in versions { try await store.saveJourneyVersion(version) }
        let stored = try await store.recover().journeyVersions
        await shard.setCatalog(JourneyCatalog(restoring: stored))
        loop.schedule.update(versions: stored)
    }
}
