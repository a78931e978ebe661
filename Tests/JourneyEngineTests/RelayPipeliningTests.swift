import Foundation
import JourneyEngine
import JourneyRuntime
import Synchronization
import Testing
import WaymarkTestSupport

/// A running relay commits a pass's outcomes beside the next pass, never attempting a key twice
/// while its outcome is on its way to the store.
@Suite(.timeLimit(.minutes(1)))
struct RelayPipeliningTests {
    @Test func aNewSendGoesOutWhileThePreviousOutcomesAreStillCommitting() async throws {
        let store = GatedOutboxStore()
        let adapter = RecordingChannelAdapter()
        let clock = VirtualClock(start: OutboxRelayTests.start)
        store.outcomes.close()
        try await store.commit(ShardCommit(outbox: [OutboxRelayTests.message("k1", customer: "a")]))
        let relay = OutboxRelayTests.relay(store.inner, adapter: adapter, clock: clock, store: store)
        let running = Task { await relay.run() }
        defer { running.cancel() }

        await until { store.outcomes.waiting == 1 }
        try await store.commit(ShardCommit(outbox: [OutboxRelayTests.message("k2", customer: "a")]))
        relay.notify()
        await until { adapter.deliveries.count == 2 }
        #expect(adapter.deliveries.map(\.idempotencyKey) == ["k1", "k2"], "k2 went out before k1's outcome committed; k1 went once")
        #expect(await store.inner.allOutbox().map(\.status) == [.pending, .pending], "no outcome is committed yet")

        store.outcomes.open()
        await until { await store.inner.allOutbox().map(\.status) == [.delivered, .delivered] }
        #expect(adapter.deliveries.count == 2)
    }

    @Test func aReadThatSawAKeyBeforeItsOutcomeCommittedDoesNotSendItAgain() async throws {
        let store = GatedOutboxStore()
        let adapter = RecordingChannelAdapter()
        let clock = VirtualClock(start: OutboxRelayTests.start)
        store.outcomes.close()
        try await store.commit(ShardCommit(outbox: [OutboxRelayTests.message("k1")]))
        let relay = OutboxRelayTests.relay(store.inner, adapter: adapter, clock: clock, store: store)
        // The first read passes; the second has read k1 as pending and is held before it returns.
        store.readsBeforeHolding = 1
        store.reads.close()
        let running = Task { await relay.run() }
        defer { running.cancel() }

        await until { store.outcomes.waiting == 1 && store.reads.waiting == 1 }
        store.outcomes.open()
        await until { await store.inner.allOutbox().map(\.status) == [.delivered] }
        store.reads.open()
        try await store.commit(ShardCommit(outbox: [OutboxRelayTests.message("k2")]))
        relay.notify()
        await until { adapter.deliveries.count >= 2 }
        #expect(adapter.deliveries.map(\.idempotencyKey) == ["k1", "k2"], "k1 was read as due after it was sent, and not sent again")
    }

    /// Waits for `condition`, at most about ten seconds (the expectations after it then fail).
    private func until(_ condition: () async -> Bool) async {
        for _ in 0..<5_000 where await !condition() { try? await Task.sleep(for: .milliseconds(2)) }
    }
}

/// Lets a test hold calls until it opens the gate.
final class CallGate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiting: Int)>((true, 0))

    var waiting: Int { state.withLock { $0.waiting } }
    func close() { state.withLock { $0.isOpen = false } }
    func open() { state.withLock { $0.isOpen = true } }

    /// Returns once the gate is open (or the caller is cancelled, so a stopping relay can end).
    func pass() async {
        state.withLock { $0.waiting += 1 }
        while !state.withLock({ $0.isOpen }), !Task.isCancelled { try? await Task.sleep(for: .milliseconds(1)) }
        state.withLock { $0.waiting -= 1 }
    }
}

/// An in-memory store whose outcome commits (`updateOutbox`) and reads of due messages can be held.
final class GatedOutboxStore: ShardStore, Sendable {
    let inner = InMemoryShardStore()
    let outcomes = CallGate()
    let reads = CallGate()
    private let readCount = Mutex(0)
    private let holdAfter = Mutex(Int.max)

    /// Reads after this many pass ungated (once `reads` is closed).
    var readsBeforeHolding: Int {
        get { holdAfter.withLock { $0 } }
        set { holdAfter.withLock { $0 = newValue } }
    }

    func dueOutbox(now: Date, limit: Int) async throws -> [OutboxEntry] {
        let due = try await inner.dueOutbox(now: now, limit: limit)
        let count = readCount.withLock { count in
            count += 1
            return count
        }
        if count > readsBeforeHolding { await reads.pass() }
        return due
    }

    func updateOutbox(_ updates: [OutboxUpdate]) async throws {
        await outcomes.pass()
        try await inner.updateOutbox(updates)
    }

    func recover() async throws -> ShardRecovery { try await inner.recover() }
    func customer(_ id: String) async throws -> CustomerState? { try await inner.customer(id) }
    func customerIDs() async throws -> [String] { try await inner.customerIDs() }
    func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] { try await inner.append(inputs) }
    func commit(_ commit: ShardCommit) async throws { try await inner.commit(commit) }
    func outboxCounts() async throws -> [OutboxEntry.Status: Int] { try await inner.outboxCounts() }
    func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord] { try await inner.recentActions(of: customerID, limit: limit) }
    func saveJourneyVersion(_ version: StoredJourneyVersion) async throws { try await inner.saveJourneyVersion(version) }
}
