import Foundation
import JourneyRuntime
import Logging

/// A request to append inputs to the inbox, answered once the transaction holding them commits.
struct AcceptRequest: Sendable {
    let inputs: [InboxInput]
    let continuation: CheckedContinuation<[InboxAppendResult], any Error>
}

/// The queues that feed a shard's loops. Separate from the actor so that
/// producers on any task push without hopping onto the shard.
final class ShardQueues: Sendable {
    let accepts = BatchQueue<AcceptRequest>()
    let work = BatchQueue<ShardWork>()
    let backlog: BacklogPolicy

    init(backlog: BacklogPolicy) {
        self.backlog = backlog
    }
}

extension Shard {
    /// Appends inputs to the inbox; returns once they are durable (group-committed with
    /// whatever else arrived meanwhile). Throws when the shard is shutting down.
    public nonisolated func accept(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        guard !inputs.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            if !queues.accepts.push(AcceptRequest(inputs: inputs, continuation: continuation)) {
                continuation.resume(throwing: EngineError(.shuttingDown, "shard \(index) is shutting down and accepts no more input"))
            }
        }
    }

    /// Queues engine-made work (schedule ticks, segment checks, undeploys).
    public nonisolated func enqueue(_ work: [ShardWork]) {
        queues.work.push(contentsOf: work)
    }

    /// Runs the shard until `stopAccepting()` has been called and everything accepted is applied,
    /// or until cancelled. Recovers first: overdue timers fire promptly, in due order.
    public func run(clock: any JourneyClock) async throws {
        let unapplied = try await recover()
        queues.work.push(contentsOf: unapplied.map(ShardWork.inbox))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.acceptLoop() }
            group.addTask { await self.timerLoop(clock: clock) }
            group.addTask { try await self.applyLoop() }
            // The apply loop ends last, after the accept loop drained; then timers stop too.
            try await group.next()
            try await group.next()
            group.cancelAll()
        }
        logger.info("shard stopped")
    }

    /// Graceful shutdown: refuse new input, commit what was accepted, apply it, then stop.
    public nonisolated func stopAccepting() {
        queues.accepts.finish()
    }

    private func acceptLoop() async {
        while true {
            // Backpressure: requests wait in `accepts` (and are appended together) while the apply loop catches up.
            await queues.work.waitForRoom(below: queues.backlog.backlogLimit)
            let batch = await queues.accepts.nextBatch()
            if batch.isEmpty {
                if queues.accepts.isFinished { break }
                continue
            }
            do {
                let results = try await store.append(batch.flatMap(\.inputs))
                var offset = 0
                for request in batch {
                    request.continuation.resume(returning: Array(results[offset..<offset + request.inputs.count]))
                    offset += request.inputs.count
                }
                queues.work.push(contentsOf: results.compactMap { result in
                    if case .appended(let entry) = result { return .inbox(entry) }
                    return nil
                })
            } catch {
                logger.error("inbox append failed", metadata: ["error": "\(error)", "inputs": "\(batch.count)"])
                for request in batch { request.continuation.resume(throwing: error) }
            }
        }
        queues.work.finish()
    }

    private func applyLoop() async throws {
        var retry: [ShardWork] = []
        var backoff: Duration = .milliseconds(50)
        while true {
            let batch = retry + (retry.isEmpty ? await queues.work.nextBatch(limit: queues.backlog.applyBatchLimit) : [])
            if batch.isEmpty {
                if queues.work.isFinished { break }
                continue
            }
            do {
                try await apply(batch)
                retry = []
                backoff = .milliseconds(50)
            } catch {
                // Nothing of the batch was committed; apply it again after a pause.
                retry = batch
                logger.error("applying a batch failed; retrying", metadata: ["error": "\(error)", "batch.size": "\(batch.count)"])
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private func timerLoop(clock: any JourneyClock) async {
        while !Task.isCancelled {
            do {
                try await pageInTimersIfNeeded()
            } catch {
                logger.error("reading the next page of timers failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            let due = takeDueTimers(now: clock.now())
            if !due.isEmpty { queues.work.push(contentsOf: due.map(ShardWork.timer)) }
            // The memory window ran dry: read the next page before deciding how long to sleep.
            if timers.needsPageIn { continue }
            let next = nextTimerDue()
            let wakeup = timerWakeup
            await withTaskGroup(of: Void.self) { group in
                if let next { group.addTask { try? await clock.sleep(until: next) } }
                group.addTask { await wakeup.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
