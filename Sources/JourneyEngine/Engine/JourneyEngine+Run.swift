import Foundation
import JourneyModel
import JourneyRuntime
import ServiceLifecycle

extension JourneyEngine: Service {
    /// Runs every shard and the schedule of campaign ticks until graceful shutdown
    /// (or ``stop()``): then intake stops, everything accepted is applied and
    /// committed, and `run` returns.
    public func run() async throws {
        try await recoverCatalog()
        await publishCatalog()
        let clock = clock
        try await withThrowingTaskGroup(of: Void.self) { group in
            for shard in shards {
                group.addTask { try await shard.run(clock: clock) }
            }
            group.addTask { try await self.scheduleLoop() }
            let relays = relays
            let relayTasks = relays.map { relay in Task { await relay.run() } }
            defer { relayTasks.forEach { $0.cancel() } }
            let stopRequest = stopRequest
            await withTaskGroup(of: Void.self) { waiters in
                waiters.addTask { try? await gracefulShutdown() }
                waiters.addTask { await stopRequest.wait() }
                await waiters.next()
                waiters.cancelAll()
            }
            logger.info("engine stopping: draining accepted input")
            for shard in shards { shard.stopAccepting() }
            for _ in shards { try await group.next() }
            group.cancelAll()
            // The relays finish the deliveries in flight and record their outcomes before the
            // stores close; what was not attempted yet stays pending for the next start.
            relayTasks.forEach { $0.cancel() }
            for task in relayTasks { await task.value }
        }
        logger.info("engine stopped")
    }

    /// Asks a running engine to stop gracefully (what SIGTERM does through the service group).
    public nonisolated func stop() {
        stopRequest.ring()
    }

    /// True once every shard has opened its store and loaded its timers.
    public var isReady: Bool {
        get async {
            for shard in shards where await !shard.isRecovered { return false }
            return true
        }
    }

    /// Fires schedule entries: at each cron tick (in the journey's zone) every known customer
    /// gets a tick; the interpreter lets in those whose profile matches the audience.
    func scheduleLoop() async throws {
        var checkedUntil = clock.now()
        while !Task.isCancelled {
            let fires: [(journeyID: String, at: Date)] = catalog.activeJourneys.compactMap { journey in
                guard case .schedule(let cron, _) = journey.definition.entry.trigger,
                    let next = cron.nextFire(after: checkedUntil, in: journey.timeZone)
                else { return nil }
                return (journey.id, next)
            }
            let next = fires.map(\.at).min()
            let clock = clock
            let catalogChanged = catalogChanged
            let reachedTick = await withTaskGroup(of: Bool.self) { group in
                if let next { group.addTask { (try? await clock.sleep(until: next)) != nil } }
                group.addTask { await catalogChanged.wait(); return false }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            guard reachedTick, let next else { continue }
            for fire in fires where fire.at == next {
                logger.info("schedule tick", metadata: ["journey.id": "\(fire.journeyID)", "tick.at": "\(Timestamp.format(next))"])
                try await enqueueForEveryCustomer(at: next) { _ in .scheduleTick(journeyID: fire.journeyID) }
            }
            checkedUntil = next
        }
    }
}
