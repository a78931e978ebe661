import Synchronization

/// A queue whose consumer takes what is buffered in one go: the primitive behind
/// group commit. Producers push from any task without waiting; the single
/// consumer's `nextBatch(limit:)` returns up to `limit` of the oldest elements,
/// suspending only while there are none.
///
/// A producer that should not outrun the consumer (a shard's inbox, which accepts
/// faster than it applies) waits in ``waitForRoom(below:)`` before pushing more:
/// without it the backlog, and the memory holding it, grew without bound under
/// sustained load, and one batch of hundreds of thousands of inputs held every
/// customer in it for seconds.
final class BatchQueue<Element: Sendable>: Sendable {
    private struct State {
        var buffer: [Element] = []
        var waiter: (continuation: CheckedContinuation<[Element], Never>, limit: Int)?
        var roomWaiter: (continuation: CheckedContinuation<Void, Never>, limit: Int)?
        var finished = false

        /// Removes and returns up to `limit` of the oldest elements.
        mutating func take(_ limit: Int) -> [Element] {
            if buffer.count <= limit {
                defer { buffer = [] }
                return buffer
            }
            let batch = Array(buffer.prefix(limit))
            buffer.removeFirst(limit)
            return batch
        }

        /// The room waiter to wake, if the buffer has fallen below its limit (or the queue finished).
        mutating func roomMade() -> CheckedContinuation<Void, Never>? {
            guard let room = roomWaiter, finished || buffer.count < room.limit else { return nil }
            roomWaiter = nil
            return room.continuation
        }
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
            return (true, (waiter.continuation, state.take(waiter.limit)))
        }
        if let (waiter, batch) = resume { waiter.resume(returning: batch) }
        return accepted
    }

    /// Up to `limit` of the oldest elements, or the next to arrive; empty once finished or cancelled.
    func nextBatch(limit: Int = .max) async -> [Element] {
        precondition(limit > 0, "a batch holds at least one element")
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Element], Never>) in
                let (batch, room) = state.withLock { state -> ([Element]?, CheckedContinuation<Void, Never>?) in
                    if !state.buffer.isEmpty || state.finished || Task.isCancelled {
                        let batch = state.take(limit)
                        return (batch, state.roomMade())
                    }
                    state.waiter = (continuation, limit)
                    return (nil, nil)
                }
                room?.resume()
                if let batch { continuation.resume(returning: batch) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Returns once fewer than `limit` elements wait (at once if they already do), or the queue
    /// finished, or the task is cancelled. One producer waits at a time.
    func waitForRoom(below limit: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.finished || state.buffer.count < limit || Task.isCancelled { return true }
                    precondition(state.roomWaiter == nil, "one producer waits for room at a time")
                    state.roomWaiter = (continuation, limit)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let room = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.roomWaiter = nil }
                return state.roomWaiter?.continuation
            }
            room?.resume()
        }
    }

    /// Wakes the consumer with whatever is left and refuses further elements.
    func finish() {
        let (waiter, room) = state.withLock { state -> (CheckedContinuation<[Element], Never>?, CheckedContinuation<Void, Never>?) in
            state.finished = true
            defer { state.waiter = nil }
            return (state.waiter?.continuation, state.roomMade())
        }
        waiter?.resume(returning: [])
        room?.resume()
    }

    var isFinished: Bool { state.withLock { $0.finished } }

    /// Elements waiting (for metrics and tests).
    var count: Int { state.withLock { $0.buffer.count } }

    /// Whether the consumer is suspended in `nextBatch` (for tests).
    var hasWaitingConsumer: Bool { state.withLock { $0.waiter != nil } }

    /// Whether a producer is suspended in `waitForRoom` (for tests).
    var hasWaitingProducer: Bool { state.withLock { $0.roomWaiter != nil } }
}
