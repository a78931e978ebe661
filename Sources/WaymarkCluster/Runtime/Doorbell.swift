import Synchronization

/// A one-slot doorbell: `ring()` from anywhere wakes the task in `wait()`, or makes
/// its next `wait()` return at once.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when rung, when `timeout` passed, or when the task is cancelled.
    func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForRing() }
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

    private func waitForRing() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            ring()
        }
    }
}
