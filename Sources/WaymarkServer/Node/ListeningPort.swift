import Synchronization

/// The port the HTTP server bound, published once it listens. Tests bind port 0
/// and wait here for the real one instead of sleeping.
final class ListeningPort: Sendable {
    private struct State {
        var port: Int?
        var waiters: [CheckedContinuation<Int, Never>] = []
    }

    private let state = Mutex(State())

    func publish(_ port: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, Never>] in
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    func wait() async -> Int {
        await withCheckedContinuation { continuation in
            let port = state.withLock { state -> Int? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }
}
