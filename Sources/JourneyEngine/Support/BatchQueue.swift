import Synchronization

/// A queue whose consumer takes everything buffered at once: the primitive
/// behind group commit. Producers push from any task without waiting; the
/// single consumer's `nextBatch()` returns all elements pushed since its last
/// call, suspending only while there are none.
final class BatchQueue<Element: Sendable>: Sendable {
    private struct State {
        var buffer: [Element] = []
        var waiter: CheckedContinuation<[Element], Never>?
        var finished = false
    }

    private let state = Mutex(State())

    init() {}

    /// Adds an element; false when the queue is finished and the element was refused.
    @discardableResult
    func push(_ element: Element) -> Bool {
        push(contentsOf: [element])
    }

    @discardableResult
    func push(contentsOf elements: [Element]) -> Bool {
        let (accepted, resume) = state.withLock { state -> (Bool, (CheckedContinuation<[Element], Never>, [Element])?) in
            guard !state.finished else { return (false, nil) }
            state.buffer.append(contentsOf: elements)
            guard let waiter = state.waiter, !state.buffer.isEmpty else { return (true, nil) }
            state.waiter = nil
            let batch = state.buffer
            state.buffer = []
            return (true, (waiter, batch))
        }
        if let (waiter, batch) = resume { waiter.resume(returning: batch) }
        return accepted
    }

    /// Everything buffered, or the next element(s) to arrive; empty once finished or cancelled.
    func nextBatch() async -> [Element] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Element], Never>) in
                let batch = state.withLock { state -> [Element]? in
                    if !state.buffer.isEmpty || state.finished || Task.isCancelled {
                        let batch = state.buffer
                        state.buffer = []
                        return batch
                    }
                    state.waiter = continuation
                    return nil
                }
                if let batch { continuation.resume(returning: batch) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Wakes the consumer with whatever is left and refuses further elements.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[Element], Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: [])
    }

    var isFinished: Bool { state.withLock { $0.finished } }

    /// Elements waiting (for metrics and tests).
    var count: Int { state.withLock { $0.buffer.count } }
}
