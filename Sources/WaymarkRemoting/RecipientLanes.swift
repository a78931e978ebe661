import JourneyEngine
import Synchronization

/// One lane per recipient actor: a caller enters before sending a call to the actor
/// and leaves when its answer is in, so this node has at most one call in flight per
/// actor and they reach it in the order they entered. Waiting callers queue first
/// come, first served; a caller cancelled while waiting (its deadline passed) leaves
/// the queue without disturbing the others.
///
/// This is what keeps calls to one actor in order across the network: each gRPC call
/// is its own stream, and a server may start streams in any order, so order is
/// decided here, before a call is sent.
final class RecipientLanes: Sendable {
    private struct Waiter {
        var ticket: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        /// A recipient has an entry while a caller is in its lane; the entry lists who waits.
        var lanes: [CustomerActorID: [Waiter]] = [:]
        var nextTicket: UInt64 = 0
        /// Callers that reached a lane so far (entered at once or queued), in the order they did.
        var arrivals = 0
    }

    private let state = Mutex(State())

    /// Returns once the caller is first in the recipient's lane; throws `CancellationError`
    /// if the task is cancelled while it waits.
    func enter(_ id: CustomerActorID) async throws {
        let ticket = state.withLock { state in
            state.nextTicket += 1
            return state.nextTicket
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Now { case enter, wait, cancelled }
                let now: Now = state.withLock { state in
                    // Checked under the lock: a cancellation before this point finds no waiter to remove.
                    if Task.isCancelled { return .cancelled }
                    state.arrivals += 1
                    guard state.lanes[id] != nil else {
                        state.lanes[id] = []
                        return .enter
                    }
                    state.lanes[id]!.append(Waiter(ticket: ticket, continuation: continuation))
                    return .wait
                }
                switch now {
                case .enter: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.lanes[id]?.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                return state.lanes[id]!.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Enters the recipient's lane if it is free, without waiting (the common case: no
    /// other call to this actor is out), so such a call costs no task and no timer.
    func tryEnter(_ id: CustomerActorID) -> Bool {
        state.withLock { state in
            guard state.lanes[id] == nil else { return false }
            state.arrivals += 1
            state.lanes[id] = []
            return true
        }
    }

    /// Waits for the recipient's lane until `deadline`: true once in it, false if the deadline
    /// came first (then it is not in the lane, even if the lane was handed over meanwhile).
    func enter(_ id: CustomerActorID, before deadline: ContinuousClock.Instant) async throws -> Bool {
        if tryEnter(id) { return true }
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await self.enter(id)
                return true
            }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            let first = await group.nextResult()
            group.cancelAll()
            if case .success(true) = first { return true }
            // The deadline (or a cancellation) came first, but the lane may have been handed
            // over just before the waiter was cancelled: give it on rather than keep it.
            while let result = await group.nextResult() {
                if case .success(true) = result { leave(id) }
            }
            if case .failure(let error) = first { throw error }
            return false
        }
    }

    /// Hands the lane to the next waiter, or closes it.
    func leave(_ id: CustomerActorID) {
        let next: Waiter? = state.withLock { state in
            guard var waiters = state.lanes[id] else { return nil }
            guard !waiters.isEmpty else {
                state.lanes.removeValue(forKey: id)
                return nil
            }
            let next = waiters.removeFirst()
            state.lanes[id] = waiters
            return next
        }
        next?.continuation.resume()
    }

    /// How many callers reached a lane (any recipient's) so far; their order in a lane is this order.
    var arrivals: Int { state.withLock { $0.arrivals } }

    /// Callers in the recipient's lane: the one whose call is out, and those waiting.
    func occupancy(_ id: CustomerActorID) -> Int {
        state.withLock { state in state.lanes[id].map { $0.count + 1 } ?? 0 }
    }
}
