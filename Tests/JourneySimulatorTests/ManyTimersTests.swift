import Foundation
import JourneyModel
import JourneyRuntime
import JourneySimulator
import Testing

/// A simulation keeps every pending timer: a run with more timers pending at once than a
/// node keeps in memory (a node pages the rest from SQLite; a simulation has nowhere to page
/// from) fires every one of them. A simulator given a node's timer window once dropped the
/// farthest timers beyond 50,000 pending.
@Suite struct ManyTimersTests {
    /// The time limit is a guard, not a measure: the run takes seconds, while the windowed
    /// shard this replaced had not finished it after three minutes.
    @Test(.timeLimit(.minutes(2)))
    func aSimulationWithSixtyThousandPendingTimersFiresThemAll() async throws {
        let customers = 60_000
        let events = (0..<customers).map { SimulationTests.event("c\($0)", "start", at: Double($0 % 600)) }
        let options = SimulationOptions(until: SimulationTests.t0.addingTimeInterval(3 * 86_400))
        let (stats, sink) = try await Simulation(journeys: [SimulationTests.journey(SimulationTests.twoSends)], options: options)
            .run(events: events, profiles: [], sink: CollectingSink())
        #expect(stats.eventsProcessed == customers)
        #expect(stats.timersFired == 2 * customers)
        #expect(sink.actions.filter { $0.action == .send }.count == 2 * customers)
        #expect(stats.pendingTimers.isEmpty)
    }
}
