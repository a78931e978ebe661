import Foundation
import JourneyRuntime

/// The wall clock, for nodes. The only place in the engine that reads real time.
public struct SystemClock: JourneyClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let interval = deadline.timeIntervalSinceNow
        guard interval > 0 else { return }
        try await Task.sleep(for: .seconds(interval))
    }
}
