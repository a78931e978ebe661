import Foundation
import JourneyEngine
import Logging
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
        // b1's outcome waits a moment for others to share its transaction, not for a's send.
        let recorded = await waitFor {
            clock.advance(by: 0.05)
            return (try? await store.allOutbox().first { $0.message.idempotencyKey == "b1" }?.status) == .delivered
        }
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

    /// Counts the outcome transactions of the store it wraps.
    actor CountingStore: ShardStore {
        let base: InMemoryShardStore
        private(set) var outcomeTransactions = 0
        init(_ base: InMemoryShardStore) { self.base = base }
        func recover() async throws -> ShardRecovery { try await base.recover() }
        func recover(timerLimit: Int?) async throws -> ShardRecovery { try await base.recover(timerLimit: timerLimit) }
        func pendingTimers(after: Date, atLeast limit: Int) async throws -> [TimerRequest] { try await base.pendingTimers(after: after, atLeast: limit) }
        func customer(_ id: String) async throws -> CustomerState? { try await base.customer(id) }
        func customerIDs() async throws -> [String] { try await base.customerIDs() }
        func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] { try await base.append(inputs) }
        func commit(_ commit: ShardCommit) async throws { try await base.commit(commit) }
        func dueOutbox(now: Date, limit: Int) async throws -> [OutboxEntry] { try await base.dueOutbox(now: now, limit: limit) }
        func updateOutbox(_ updates: [OutboxUpdate]) async throws {
            outcomeTransactions += 1
            try await base.updateOutbox(updates)
        }
        func outboxCounts() async throws -> [OutboxEntry.Status: Int] { try await base.outboxCounts() }
        func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord] { try await base.recentActions(of: customerID, limit: limit) }
        func saveJourneyVersion(_ version: StoredJourneyVersion) async throws { try await base.saveJourneyVersion(version) }
    }

    /// Fast receivers: finished lanes free their slots at once, and their outcomes share
    /// transactions instead of taking one each (a synchronous commit per send would cap a node).
    @Test func outcomesOfManyFastLanesShareTransactions() async throws {
        let base = InMemoryShardStore()
        let store = CountingStore(base)
        let clock = VirtualClock(start: OutboxRelayTests.start)
        let adapter = RecordingChannelAdapter()
        try await base.commit(ShardCommit(outbox: (0..<64).map { OutboxRelayTests.message("k\($0)", customer: "c\($0)") }))
        let relay = OutboxRelay(
            store: store, configuration: OutboxRelay.Configuration(adapters: ["email": adapter], concurrentCustomers: 16),
            clock: clock, seed: 1, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { await relay.run() }
        let done = await waitFor { (try? await base.allOutbox().allSatisfy { $0.status == .delivered }) == true }
        running.cancel()
        await running.value
        #expect(done)
        #expect(adapter.deliveries.count == 64)
        let transactions = await store.outcomeTransactions
        #expect(transactions <= 8, "64 sends recorded in \(transactions) transactions")
    }
}
