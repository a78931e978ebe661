import JourneyEngine
import Synchronization

/// The engine's one-slot `Wakeup` with a timeout, and a bounded wait for tasks to end.
final class Doorbell: Sendable {
    private let wakeup = Wakeup()

    func ring() {
        wakeup.ring()
    }

    /// Returns when rung, when `timeout` passed, or when the task is cancelled.
    func wait(timeout: Duration) async {
        let wakeup = wakeup
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await wakeup.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Waits until every task ended, or `timeout` passed, whichever comes first. A task still
    /// running then is left alone (cancel it first if it should stop).
    static func wait(for tasks: [Task<Void, Never>], upTo timeout: Duration) async -> Bool {
        let done = Doorbell()
        let finished = Mutex(false)
        Task {
            for task in tasks { await task.value }
            finished.withLock { $0 = true }
            done.ring()
        }
        await done.wait(timeout: timeout)
        return finished.withLock { $0 }
    }
}
