import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging
import Testing

/// A store that keeps no customer state (``ShardStore/keepsCustomerState`` false, the
/// simulator's) must change nothing a shard does: the same inputs give the same actions and
/// leave the same timers pending as over a store that keeps everything.
@Suite struct LeanStoreTests {
    static let start = Date(timeIntervalSince1970: 1_709_283_600)  // 2024-03-01T09:00:00Z

    /// A `wait_for` (its timer is cancelled when the purchase comes), a segment journey with
    /// daily rechecks that time alone makes true, and an update step that changes the profile.
    static let journeys = [
        EngineFlowTests.cart,
        """
        journey: lapsed
        entry:
          segment: "days_since(profile.last_seen_at) > 2"
          recheck: 1d
          reentry: cooldown 3d
        steps:
          - id: mark
            update: { increment: { lapses: 1 } }
          - id: nudge
            send: { channel: push, message: "we miss you" }
          - id: pause
            wait: 2d
          - id: again
            send: { channel: push, message: "still here" }
        """,
    ]

    /// Runs the simulator's loop on a one-shard engine over `store`: events and due timers
    /// interleaved by time, committing every three items. Returns the committed actions, the
    /// number of inputs applied (a cancelled timer that still fired would add one) and the
    /// timers still pending at the end.
    static func run(over store: InMemoryShardStore) async throws -> (actions: [ActionRecord], inputs: Int, pending: [TimerRequest]) {
        let engine = JourneyEngine(
            configuration: EngineConfiguration(
                shardCount: 1, passivation: PassivationPolicy(idleTimeout: .infinity, maximumResident: .max, timerWindow: nil)),
            stores: [store], clock: VirtualClock(start: start), observer: nil,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await engine.deploy(journeys.map(EngineFlowTests.journey))
        let shard = engine.shards[0]
        let names = ["add_to_cart", "purchase", "add_to_cart", "view", "add_to_cart"]
        // A customer's events come 2,800 s apart: some purchases end a wait within its hour
        // (its timer is cancelled), other waits time out and send.
        let events = (0..<60).map { index in
            let time = start.addingTimeInterval(Double(index) * 700)
            return CustomerEvent(customerID: "c\(index % 4)", name: names[index % names.count], time: time)
        }
        var actions: [ActionRecord] = []
        var inputs = 0
        var unflushed = 0
        func process(_ work: ShardWork) async throws {
            try await shard.process(work)
            unflushed += 1
            if unflushed == 3 {
                let batch = try await shard.flush()
                actions += batch.actions
                inputs += batch.inputs
                unflushed = 0
            }
        }
        func fireTimers(through time: Date) async throws {
            while let due = await shard.nextTimerDue(), due <= time {
                for timer in await shard.takeDueTimers(now: due) { try await process(.timer(timer)) }
            }
        }
        for (index, event) in events.enumerated() {
            try await fireTimers(through: event.time)
            let input = InboxInput(payload: .event(event), acceptedAt: event.time)
            try await process(.inbox(InboxEntry(sequence: Int64(index + 1), input: input)))
        }
        try await fireTimers(through: start.addingTimeInterval(10 * 86_400))
        let last = try await shard.flush()
        return (actions + last.actions, inputs + last.inputs, await shard.pendingTimers)
    }

    static func dueOrder(_ timers: [TimerRequest]) -> [TimerRequest] {
        timers.sorted { ($0.due, $0.customerID, $0.token) < ($1.due, $1.customerID, $1.token) }
    }

    @Test func aStoreKeepingNoCustomerStateChangesNothingTheShardDoes() async throws {
        let full = InMemoryShardStore()
        let lean = InMemoryShardStore(keepsCustomerState: false)
        let reference = try await Self.run(over: full)
        let leaner = try await Self.run(over: lean)

        #expect(reference.actions.count { $0.action == .send } > 4, "the workload sends")
        #expect(reference.actions.contains { $0.journey == "lapsed" && $0.action == .enter })
        #expect(reference.actions.contains { $0.journey == "cart" && $0.reason == "exit_event" }, "a wait's timer is cancelled")
        #expect(leaner.actions == reference.actions)
        #expect(leaner.inputs == reference.inputs)
        // The shard's own timers are what the keeping store holds, so the simulator may count them.
        #expect(!reference.pending.isEmpty)
        #expect(Self.dueOrder(leaner.pending) == Self.dueOrder(reference.pending))
        #expect(try await full.recover().pendingTimers == Self.dueOrder(reference.pending))
        // And the lean store really kept nothing of it.
        #expect(try await lean.recover().pendingTimers.isEmpty)
        #expect(try await lean.customer("c1") == nil)
        #expect(try await full.customer("c1") != nil)
    }
}
