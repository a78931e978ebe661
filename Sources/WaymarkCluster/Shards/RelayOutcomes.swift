import Foundation
import JourneyEngine
import Synchronization

/// The delivery outcomes of every outbox relay this node's shard runners ever ran, for
/// `waymark_sends_total`. A relay lives as long as one ownership of one shard, and each
/// counts from zero, so the outcomes of ended relays are folded into a running total
/// instead of disappearing with them (the node's counters must never go down).
public final class RelayOutcomes: Sendable {
    private struct State {
        var live: [ObjectIdentifier: OutboxRelay] = [:]
        /// Ended, but their outcomes not yet folded into `retired`.
        var ending: [ObjectIdentifier: OutboxRelay] = [:]
        var retired: [DeliveryOutcomeKey: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    func started(_ relay: OutboxRelay) {
        state.withLock { $0.live[ObjectIdentifier(relay)] = relay }
    }

    func ended(_ relay: OutboxRelay) {
        state.withLock { state in
            if let relay = state.live.removeValue(forKey: ObjectIdentifier(relay)) { state.ending[ObjectIdentifier(relay)] = relay }
        }
    }

    /// Every outcome so far: the folded totals, plus what the live and ending relays report.
    /// Ending relays are folded in here, each once, so they can be released.
    public func totals() async -> [DeliveryOutcomeKey: Int] {
        let (live, ending, retired) = state.withLock { ($0.live, $0.ending, $0.retired) }
        var totals = retired
        for relay in live.values { totals.merge(await relay.outcomes, uniquingKeysWith: +) }
        var folded: [ObjectIdentifier: [DeliveryOutcomeKey: Int]] = [:]
        for (id, relay) in ending {
            let outcomes = await relay.outcomes
            totals.merge(outcomes, uniquingKeysWith: +)
            folded[id] = outcomes
        }
        state.withLock { state in
            for (id, outcomes) in folded where state.ending.removeValue(forKey: id) != nil {
                state.retired.merge(outcomes, uniquingKeysWith: +)
            }
        }
        return totals
    }
}
