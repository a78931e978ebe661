import Foundation
import JourneyRuntime
import Logging
import Synchronization

/// Takes sends out of a shard's outbox and delivers them through channel
/// adapters: rate-limited per channel, retried with backoff and jitter,
/// dead-lettered after the last attempt. A delivery is marked done only after
/// its adapter succeeded, so a restart resumes pending deliveries with the
/// same idempotency key.
public actor OutboxRelay {
    public struct Configuration: Sendable {
        public var adapters: [String: any ChannelAdapter]
        /// Used for channels without an adapter of their own; nil dead-letters such messages.
        public var defaultAdapter: (any ChannelAdapter)?
        public var renderer: any MessageRenderer
        public var retry: RetryPolicy
        /// Deliveries per second per channel; absent means unlimited.
        public var rateLimits: [String: Double]
        /// The token buckets behind `rateLimits`. Every relay made from this configuration (one per
        /// shard) shares them, so a channel's limit holds for the node, not for each shard.
        public var rateLimiters: ChannelRateLimiters
        /// How often to look for retries that became due when nothing else wakes the relay.
        public var pollInterval: TimeInterval
        /// Customers whose sends are in flight at once. One customer's sends always go one after
        /// another, in outbox order; different customers' sends overlap, so one receiver's round
        /// trip does not hold up every other customer of the shard.
        public var concurrentCustomers: Int

        public init(
            adapters: [String: any ChannelAdapter], defaultAdapter: (any ChannelAdapter)? = nil,
            renderer: any MessageRenderer = NoRenderer(), retry: RetryPolicy = RetryPolicy(),
            rateLimits: [String: Double] = [:], pollInterval: TimeInterval = 1, concurrentCustomers: Int = 16
        ) {
            self.concurrentCustomers = max(1, concurrentCustomers)
            self.adapters = adapters
            self.defaultAdapter = defaultAdapter
            self.renderer = renderer
            self.retry = retry
            self.rateLimits = rateLimits
            self.rateLimiters = ChannelRateLimiters()
            self.pollInterval = pollInterval
        }
    }

    let store: any ShardStore
    let configuration: Configuration
    let clock: any JourneyClock
    let logger: Logger
    private var random: SplitMix64
    nonisolated let wakeup = Wakeup()
    /// Outcomes so far, for metrics: (channel, outcome) → count.
    public private(set) var outcomes: [DeliveryOutcomeKey: Int] = [:]
    /// Rung by ``run()``'s lanes when they finish (``wakeup`` is for commits).
    nonisolated let laneFinished = Wakeup()
    /// Customers whose lane ``run()`` has in flight or has not recorded yet, with the number of
    /// sends each lane holds.
    var lanesInFlight: [String: Int] = [:]
    /// Lanes of ``run()`` that finished since it last recorded outcomes: their customer and outcomes.
    var finishedLanes: [(customer: String, updates: [OutboxUpdate])] = []
    /// When the oldest of ``finishedLanes`` finished: outcomes wait at most
    /// ``recordWithin`` for others to share their transaction.
    var oldestUnrecorded: Date?

    public init(store: any ShardStore, configuration: Configuration, clock: any JourneyClock, seed: UInt64, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.random = SplitMix64(seed: seed)
        self.logger = logger
    }

    /// New messages were committed: look now rather than at the next poll.
    public nonisolated func notify() {
        wakeup.ring()
    }

    /// One pass over the due messages; returns how many were attempted.
    @discardableResult
    public func deliverDue(limit: Int = OutboxRelay.pageSize) async -> Int {
        let due: [OutboxEntry]
        do {
            due = try await store.dueOutbox(now: clock.now(), limit: limit)
        } catch {
            logger.error("reading the outbox failed", metadata: ["error": "\(error)"])
            return 0
        }
        var updates: [OutboxUpdate] = []
        await withTaskGroup(of: [OutboxUpdate].self) { group in
            var lanes = Self.lanesByCustomer(due)[...]
            func startNext() {
                guard let lane = lanes.popFirst() else { return }
                group.addTask { await self.deliver(lane) }
            }
            for _ in 0..<configuration.concurrentCustomers { startNext() }
            while let finished = await group.next() {
                updates += finished
                startNext()
            }
        }
        await record(updates)
        return due.count
    }

    /// Writes delivery outcomes in one transaction. Recorded even when the relay is stopping:
    /// these adapters succeeded (or failed), and an outcome lost here would send the same
    /// messages again at the next start.
    func record(_ updates: [OutboxUpdate]) async {
        guard !updates.isEmpty else { return }
        let store = store
        do {
            // In a task of its own, so a stopping relay's cancellation does not cut the write short.
            try await Task { try await store.updateOutbox(updates) }.value
        } catch {
            // The adapters succeeded but the outcome was not recorded: the same keys go out again, and
            // the receivers' idempotency keeps them single.
            logger.error("recording delivery outcomes failed", metadata: ["error": "\(error)"])
        }
    }

    /// Due entries grouped by customer, in outbox order within a customer and by first entry across them.
    static func lanesByCustomer(_ due: [OutboxEntry]) -> [[OutboxEntry]] {
        var lanes: [[OutboxEntry]] = []
        var laneOf: [String: Int] = [:]
        for entry in due {
            if let index = laneOf[entry.message.customerID] {
                lanes[index].append(entry)
            } else {
                laneOf[entry.message.customerID] = lanes.count
                lanes.append([entry])
            }
        }
        return lanes
    }

    /// One customer's due sends, one after another; stops early when the relay is stopping
    /// (a shutdown, or a shard moving to another node), leaving the rest pending. An attempt
    /// already under way is not cancelled: its request is in flight at the receiver, so it
    /// finishes (within the channel's timeout) and its outcome is recorded.
    func deliver(_ lane: [OutboxEntry]) async -> [OutboxUpdate] {
        var updates: [OutboxUpdate] = []
        for entry in lane {
            await waitForRateLimit(entry.message.channel)
            if Task.isCancelled { break }
            updates.append(await Task { await self.attempt(entry) }.value)
        }
        return updates
    }

    private func attempt(_ entry: OutboxEntry) async -> OutboxUpdate {
        let message = entry.message
        let attempt = entry.attempts + 1
        let now = clock.now()
        var metadata: Logger.Metadata = [
            "customer.id": "\(message.customerID)", "journey.id": "\(message.journeyID)",
            "channel": "\(message.channel)", "idempotency_key": "\(message.idempotencyKey)", "attempt": "\(attempt)",
        ]
        do {
            guard let adapter = configuration.adapters[message.channel] ?? configuration.defaultAdapter else {
                throw DeliveryError(retryable: false, "no adapter is configured for channel `\(message.channel)`")
            }
            let body = try configuration.renderer.render(message)
            try await adapter.deliver(Delivery(message: message, body: body, attempt: attempt))
            count(message.channel, .delivered)
            return OutboxUpdate(idempotencyKey: message.idempotencyKey, status: .delivered, attempts: attempt, nextAttemptAt: now)
        } catch {
            let retryable = (error as? DeliveryError)?.isRetryable ?? false
            metadata["error"] = "\(error)"
            if retryable && attempt < configuration.retry.maximumAttempts {
                let jitter = Double(random.next() >> 11) / Double(UInt64(1) << 53)
                let next = now.addingTimeInterval(configuration.retry.delay(afterAttempt: attempt, jitter: jitter))
                logger.warning("delivery failed; will retry", metadata: metadata)
                count(message.channel, .retried)
                return OutboxUpdate(idempotencyKey: message.idempotencyKey, status: .pending, attempts: attempt, nextAttemptAt: next, lastError: "\(error)")
            }
            logger.error("delivery failed; dead-lettered", metadata: metadata)
            count(message.channel, .deadLettered)
            return OutboxUpdate(idempotencyKey: message.idempotencyKey, status: .deadLettered, attempts: attempt, nextAttemptAt: now, lastError: "\(error)")
        }
    }

    private func waitForRateLimit(_ channel: String) async {
        guard let rate = configuration.rateLimits[channel], rate > 0 else { return }
        // The bucket is taken from under a lock: lanes and other shards' relays waiting at the
        // same time each see the tokens the others took.
        while !Task.isCancelled {
            guard let until = configuration.rateLimiters.take(channel, ratePerSecond: rate, now: clock.now()) else { return }
            try? await clock.sleep(until: until)
        }
    }

    private func count(_ channel: String, _ outcome: DeliveryOutcomeKey.Outcome) {
        outcomes[DeliveryOutcomeKey(channel: channel, outcome: outcome), default: 0] += 1
    }
}

/// One token bucket per channel, shared by the relays of every shard of a node.
public final class ChannelRateLimiters: Sendable {
    private let buckets = Mutex<[String: RateLimiter]>([:])

    public init() {}

    /// Takes a token of `channel` now, or returns when the next one will be there.
    func take(_ channel: String, ratePerSecond rate: Double, now: Date) -> Date? {
        buckets.withLock { buckets in
            var limiter = buckets[channel] ?? RateLimiter(ratePerSecond: rate, now: now)
            let until = limiter.take(now: now)
            buckets[channel] = limiter
            return until
        }
    }
}

/// A channel and what happened to a delivery attempt on it.
public struct DeliveryOutcomeKey: Hashable, Sendable {
    public enum Outcome: String, Sendable {
        case delivered, retried, deadLettered = "dead_lettered"
    }

    public var channel: String
    public var outcome: Outcome
}
