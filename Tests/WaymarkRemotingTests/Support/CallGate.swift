import Synchronization

/// Holds a call on one node until the test opens the gate, so a test can change the
/// cluster (move a shard) while the call is running there.
final class CallGate: Sendable {
    private struct State {
        var isOpen = false
        var arrived = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private static let registry = Mutex<[String: CallGate]>([:])
    private let state = Mutex(State())

    /// A gate for calls named `name` that run on `node`.
    static func install(_ name: String, on node: String) -> CallGate {
        let gate = CallGate()
        registry.withLock { $0["\(name)@\(node)"] = gate }
        return gate
    }

    static func named(_ name: String, on node: String) -> CallGate? {
        registry.withLock { $0["\(name)@\(node)"] }
    }

    /// Calls that reached the gate so far.
    var arrivals: Int { state.withLock { $0.arrived } }

    /// Returns once the gate is open.
    func passed() async {
        await withCheckedContinuation { continuation in
            let resume = state.withLock { state in
                state.arrived += 1
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
