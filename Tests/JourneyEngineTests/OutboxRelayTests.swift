import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging
import Synchronization
import Testing
import WaymarkTestSupport

/// The outbox relay: a delivery is done only after its adapter succeeded; failures are
/// retried with backoff and jitter, then dead-lettered; keys never change.
@Suite struct OutboxRelayTests {
    static let start = Date(timeIntervalSince1970: 1_709_283_600)

    static func message(_ key: String, channel: String = "email", customer: String = "c1") -> OutboundMessage {
        OutboundMessage(
            idempotencyKey: key, kind: .send, time: start, customerID: customer, journeyID: "j", version: 1, run: 1,
            stepID: "s", visit: 1, channel: channel, template: "t", message: nil, data: nil, webhook: nil,
            profile: .object([:]), event: nil, variant: nil)
    }

    static func relay(_ store: InMemoryShardStore, adapter: any ChannelAdapter, clock: VirtualClock, retry: RetryPolicy = RetryPolicy(maximumAttempts: 3, baseDelay: 10, maximumDelay: 100), rateLimits: [String: Double] = [:], concurrentCustomers: Int = 16) -> OutboxRelay {
        OutboxRelay(
            store: store,
            configuration: OutboxRelay.Configuration(adapters: ["email": adapter], retry: retry, rateLimits: rateLimits, concurrentCustomers: concurrentCustomers),
            clock: clock, seed: 7, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test func aDeliveryIsMarkedDoneOnlyAfterTheAdapterSucceeds() async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: Self.start)
        let adapter = RecordingChannelAdapter()
        try await store.commit(ShardCommit(outbox: [Self.message("k1"), Self.message("k2")]))
        let relay = Self.relay(store, adapter: adapter, clock: clock)
        #expect(await relay.deliverDue() == 2)
        #expect(adapter.deliveries.map(\.idempotencyKey) == ["k1", "k2"])
        #expect(await store.allOutbox().map(\.status) == [.delivered, .delivered])
        #expect(await relay.deliverDue() == 0)
    }

    @Test func retryableFailuresBackOffThenSucceedWithTheSameKey() async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: Self.start)
        let adapter = RecordingChannelAdapter()
        adapter.failNext(2)
        try await store.commit(ShardCommit(outbox: [Self.message("k1")]))
        let relay = Self.relay(store, adapter: adapter, clock: clock)
        await relay.deliverDue()
        let first = try #require(await store.allOutbox().first)
        #expect(first.status == .pending)
        #expect(first.attempts == 1)
        // Backoff after attempt 1: base 10s scaled by jitter into [5s, 10s).
        let wait = first.nextAttemptAt.timeIntervalSince(Self.start)
        #expect(wait >= 5 && wait < 10)
        #expect(await relay.deliverDue() == 0, "not due yet")
        clock.advance(by: 10)
        await relay.deliverDue()
        let second = try #require(await store.allOutbox().first)
        #expect(second.attempts == 2)
        let secondWait = second.nextAttemptAt.timeIntervalSince(clock.now())
        #expect(secondWait >= 10 && secondWait < 20, "the delay doubles")
        clock.advance(by: 20)
        await relay.deliverDue()
        #expect(adapter.deliveries.map(\.idempotencyKey) == ["k1"])
        #expect(adapter.deliveries.first?.attempt == 3)
        #expect(await store.allOutbox().first?.status == .delivered)
    }

    @Test func theLastFailedAttemptDeadLetters() async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: Self.start)
        let adapter = RecordingChannelAdapter()
        adapter.failNext(10)
        try await store.commit(ShardCommit(outbox: [Self.message("k1")]))
        let relay = Self.relay(store, adapter: adapter, clock: clock)
        for _ in 0..<3 {
            await relay.deliverDue()
            clock.advance(by: 1_000)
        }
        let entry = try #require(await store.allOutbox().first)
        #expect(entry.status == .deadLettered)
        #expect(entry.attempts == 3)
        #expect(entry.lastError == "injected failure")
        #expect(adapter.deliveries.isEmpty)
    }

    @Test func aPermanentFailureDeadLettersAtOnce() async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: Self.start)
        let adapter = RecordingChannelAdapter()
        adapter.failNext(1, retryable: false)
        try await store.commit(ShardCommit(outbox: [Self.message("k1"), Self.message("k2", channel: "carrier_pigeon")]))
        let relay = Self.relay(store, adapter: adapter, clock: clock)
        await relay.deliverDue()
        #expect(await store.allOutbox().map(\.status) == [.deadLettered, .deadLettered])
        #expect(await store.allOutbox().last?.lastError?.contains("no adapter") == true)
    }

    @Test func backoffDelaysGrowExponentiallyAndAreCapped() {
        let policy = RetryPolicy(maximumAttempts: 10, baseDelay: 1, maximumDelay: 30)
        #expect(policy.delay(afterAttempt: 1, jitter: 0) == 0.5)
        #expect(policy.delay(afterAttempt: 3, jitter: 0.999_999) < 4)
        #expect(policy.delay(afterAttempt: 3, jitter: 0) == 2)
        #expect(policy.delay(afterAttempt: 20, jitter: 0) == 15)
    }

    @Test func aRateLimitSpacesDeliveriesOnTheClock() async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: Self.start)
        let adapter = RecordingChannelAdapter()
        try await store.commit(ShardCommit(outbox: (1...3).map { Self.message("k\($0)") }))
        let relay = Self.relay(store, adapter: adapter, clock: clock, rateLimits: ["email": 1])
        let delivering = Task { await relay.deliverDue() }
        // One token at start; each further delivery waits a virtual second.
        while adapter.deliveries.count < 3 {
            while clock.sleeperCount == 0 && adapter.deliveries.count < 3 { await Task.yield() }
            clock.advance(by: 1)
        }
        _ = await delivering.value
        #expect(adapter.deliveries.count == 3)
        #expect(clock.now() >= Self.start.addingTimeInterval(2))
    }

    @Test func theRateLimitIsSharedByCustomersDeliveredAtTheSameTime() async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: Self.start)
        let adapter = RecordingChannelAdapter()
        try await store.commit(ShardCommit(outbox: (1...4).map { Self.message("k\($0)", customer: "c\($0)") }))
        let relay = Self.relay(store, adapter: adapter, clock: clock, rateLimits: ["email": 1])
        let delivering = Task { await relay.deliverDue() }
        while adapter.deliveries.count < 4 {
            while clock.sleeperCount == 0 && adapter.deliveries.count < 4 { await Task.yield() }
            #expect(adapter.deliveries.count <= 1 + Int(clock.now().timeIntervalSince(Self.start)), "more than one token per second")
            clock.advance(by: 1)
        }
        _ = await delivering.value
        #expect(clock.now() >= Self.start.addingTimeInterval(3), "four deliveries at 1/s need three virtual seconds")
    }

    @Test func theRateLimitHoldsForEveryShardTogether() async throws {
        // A node runs one relay per shard, all made from one configuration: `rate_limit: 1`
        // is one delivery per second on the channel, not one per shard.
        let clock = VirtualClock(start: Self.start)
        let adapter = RecordingChannelAdapter()
        let configuration = OutboxRelay.Configuration(adapters: ["email": adapter], rateLimits: ["email": 1])
        var relays: [OutboxRelay] = []
        for shard in 0..<4 {
            let store = InMemoryShardStore()
            try await store.commit(ShardCommit(outbox: [Self.message("k\(shard)", customer: "c\(shard)")]))
            relays.append(OutboxRelay(
                store: store, configuration: configuration, clock: clock, seed: UInt64(shard),
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        }
        let delivering = relays.map { relay in Task { await relay.deliverDue() } }
        while adapter.deliveries.count < 4 {
            while clock.sleeperCount < 3 - adapter.deliveries.count + 1 && adapter.deliveries.count < 4 { await Task.yield() }
            #expect(adapter.deliveries.count <= 1 + Int(clock.now().timeIntervalSince(Self.start)), "more than one token per second")
            clock.advance(by: 1)
        }
        for task in delivering { _ = await task.value }
        #expect(clock.now() >= Self.start.addingTimeInterval(3), "four deliveries at 1/s need three virtual seconds")
    }

    @Test(arguments: [1, 16])
    func differentCustomersOverlapWhileOneCustomersSendsStayInOrder(concurrentCustomers: Int) async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: Self.start)
        // a's first send waits (boundedly) for b's to start: only possible if they overlap.
        let adapter = GateAdapter(holding: "a1", until: "b1")
        try await store.commit(ShardCommit(outbox: [
            Self.message("a1", customer: "a"), Self.message("a2", customer: "a"), Self.message("b1", customer: "b"),
        ]))
        let relay = Self.relay(store, adapter: adapter, clock: clock, concurrentCustomers: concurrentCustomers)
        #expect(await relay.deliverDue() == 3)
        let order = adapter.finished
        #expect(order.firstIndex(of: "a1")! < order.firstIndex(of: "a2")!, "one customer's sends keep their order")
        #expect(adapter.overlapped == (concurrentCustomers > 1), "\(order)")
        #expect(await store.allOutbox().map(\.status) == [.delivered, .delivered, .delivered])
    }
}

/// Holds one delivery until another has started, or a couple of seconds have passed.
final class GateAdapter: ChannelAdapter {
    let held: String
    let awaited: String
    private let state = Mutex<(started: Set<String>, finished: [String], overlapped: Bool)>(([], [], false))

    init(holding held: String, until awaited: String) {
        self.held = held
        self.awaited = awaited
    }

    var finished: [String] { state.withLock { $0.finished } }
    var overlapped: Bool { state.withLock { $0.overlapped } }

    func deliver(_ delivery: Delivery) async throws {
        let key = delivery.idempotencyKey
        state.withLock { _ = $0.started.insert(key) }
        if key == held {
            for _ in 0..<400 where !state.withLock({ $0.started.contains(awaited) }) {
                try await Task.sleep(for: .milliseconds(5))
            }
            state.withLock { $0.overlapped = $0.started.contains(awaited) }
        }
        state.withLock { $0.finished.append(key) }
    }
}
