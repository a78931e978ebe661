import Synchronization

/// A one-slot doorbell: `ring()` from anywhere wakes the task waiting in
/// `wait()`, or makes its next `wait()` return at once. Used to interrupt a
/// timer loop's sleep when an earlier timer is set. Public so that layers above the
/// engine (the cluster's shard runners) wait the same way.
///
/// A ring is never dropped: it either ends exactly one `wait()`, which returns true,
/// or stays pending for the next one. A cancelled wait that took no ring returns false
/// and leaves none behind. Callers racing a wait against other wake-ups in a task group
/// must therefore look at every child's answer, not only the first: a ring taken by a
/// child whose answer is thrown away is lost to them (see `OutboxRelay.waitForWork`).
public final class Wakeup: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Bool, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.rung = true
            return nil
        }
        waiter?.resume(returning: true)
    }

    /// Returns true when rung (now, or since the last wait), false when the task was
    /// cancelled first.
    @discardableResult
    public func wait() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer = state.withLock { state -> Bool? in
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    // Cancelled before waiting: a ring that comes later is the next wait's.
                    if Task.isCancelled { return false }
                    state.waiter = continuation
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            // Lets the waiter go without ringing: a ring made up here would wake the next
            // wait for nothing.
            let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: false)
        }
    }
}
