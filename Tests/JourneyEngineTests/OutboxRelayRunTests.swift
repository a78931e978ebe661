import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Synchronization
import Testing
import WaymarkTestSupport

/// The relay as a node runs it (``OutboxRelay/run()``): lanes start as slots free up,
/// so a slow receiver holds its own customer's sends only.
@Suite struct OutboxRelayRunTests {
    /// Delivers everything at once, except the keys it holds until `release(_:)`.
    final class HoldingAdapter: ChannelAdapter {
        private let state = Mutex<(held: Set<String>, delivered: [String], waiters: [CheckedContinuation<Void, Never>])>(([], [], []))

        init(holding keys: Set<String>) {
            state.withLock { $0.held = keys }
        }

        var delivered: [String] { state.withLock { $0.delivered } }

        func release(_ key: String) {
            let waiters = state.withLock { state in
                state.held.remove(key)
                defer { state.waiters = [] }
                return state.waiters
            }
            waiters.forEach { $0.resume() }
        }

        func deliver(_ delivery: Delivery) async throws {
            while state.withLock({ $0.held.contains(delivery.idempotencyKey) }) {
                await withCheckedContinuation { continuation in
                    let held = state.withLock { state in
                        guard state.held.contains(delivery.idempotencyKey) else { return false }
                        state.waiters.append(continuation)
                        return true
                    }
                    if !held { continuation.resume() }
                }
            }
            state.withLock { $0.delivered.append(delivery.idempotencyKey) }
        }
    }

    /// Polls `condition` for up to ten seconds of real time (the relay works on real tasks).
    func waitFor(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<2_000 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return await condition()
    }

    @Test func aSlowReceiverHoldsItsOwnCustomersSendsOnly() async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: OutboxRelayTests.start)
        let adapter = HoldingAdapter(holding: ["slow"])
        try await store.commit(ShardCommit(outbox: [OutboxRelayTests.message("slow", customer: "a")]))
        let relay = OutboxRelayTests.relay(store, adapter: adapter, clock: clock)
        let running = Task { await relay.run() }

        // While `slow` hangs at its receiver, sends committed later go out and are recorded.
        try await Task.sleep(for: .milliseconds(50))
        try await store.commit(ShardCommit(outbox: [
            OutboxRelayTests.message("b1", customer: "b"), OutboxRelayTests.message("a2", customer: "a"),
        ]))
        relay.notify()
        let others = await waitFor { adapter.delivered == ["b1"] }
        #expect(others, "b's send waited for a's slow one: \(adapter.delivered)")
        let recorded = await waitFor { (try? await store.allOutbox().first { $0.message.idempotencyKey == "b1" }?.status) == .delivered }
        #expect(recorded, "b1 was delivered but its outcome not recorded while a's send hangs")
        #expect(!adapter.delivered.contains("a2"), "a's second send went before their first")

        adapter.release("slow")
        let all = await waitFor { (try? await store.allOutbox().allSatisfy { $0.status == .delivered }) == true }
        #expect(all)
        #expect(adapter.delivered == ["b1", "slow", "a2"])
        running.cancel()
        await running.value
    }

    @Test func moreCustomersThanSlotsAreAllDeliveredOnceInOrder() async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: OutboxRelayTests.start)
        let adapter = RecordingChannelAdapter()
        let customers = (0..<40).map { "c\($0)" }
        try await store.commit(ShardCommit(outbox: customers.flatMap { customer in
            (1...3).map { OutboxRelayTests.message("\(customer)/\($0)", customer: customer) }
        }))
        let relay = OutboxRelayTests.relay(store, adapter: adapter, clock: clock, concurrentCustomers: 4)
        let running = Task { await relay.run() }
        let done = await waitFor { (try? await store.allOutbox().allSatisfy { $0.status == .delivered }) == true }
        #expect(done)
        running.cancel()
        await running.value
        let keys = adapter.deliveries.map(\.idempotencyKey)
        #expect(keys.count == 120 && Set(keys).count == 120, "each send once")
        for customer in customers {
            #expect(keys.filter { $0.hasPrefix(customer + "/") } == (1...3).map { "\(customer)/\($0)" }, "\(customer)'s sends in order")
        }
    }
}
