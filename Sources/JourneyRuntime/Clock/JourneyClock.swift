import Foundation

/// Where the engine gets the time. Injected everywhere: the system clock on a
/// node, a ``VirtualClock`` in the simulator and tests.
public protocol JourneyClock: Sendable {
    func now() -> Date
    /// Suspends until the clock reads `deadline` or later; throws when the task is cancelled.
    func sleep(until deadline: Date) async throws
}
