import Foundation
import JourneyEngine
import JourneyRuntime
import Metrics
import Prometheus
import Synchronization

/// The node's Prometheus metrics, on a registry of its own (nothing is
/// bootstrapped globally, so several nodes can share a test process).
///
/// Counters are updated as things happen; the gauges that describe state
/// (timer lag, resident actors, outbox backlog) and the send outcomes kept by
/// the relays are read from the engine when `/metrics` is scraped.
public final class NodeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let eventsAccepted: Metrics.Counter
    let eventsDuplicate: Metrics.Counter
    let profilesAccepted: Metrics.Counter
    let inputsProcessed: Metrics.Counter
    let commitDuration: Metrics.Timer
    let appendDuration: Metrics.Timer
    let timerLag: Metrics.Gauge
    let timersPending: Metrics.Gauge
    let activeActors: Metrics.Gauge
    let applyBacklog: Metrics.Gauge
    let outboxPending: Metrics.Gauge
    let outboxDeadLettered: Metrics.Gauge
    /// What the relays had reported at the last scrape, to turn their totals into counter increments.
    private let reportedOutcomes = Mutex<[DeliveryOutcomeKey: Int]>([:])
    /// Where a cluster node's shards and relays are (its shard runners'); nil: the engine's own.
    let runningShards: (@Sendable () -> [Shard])?
    let relayOutcomes: (@Sendable () async -> [DeliveryOutcomeKey: Int])?

    /// - Parameters:
    ///   - runningShards: the shards this node runs, when they are not the engine's (a cluster node).
    ///   - relayOutcomes: every delivery outcome so far, when the relays are not the engine's.
    public init(
        runningShards: (@Sendable () -> [Shard])? = nil, relayOutcomes: (@Sendable () async -> [DeliveryOutcomeKey: Int])? = nil
    ) {
        self.runningShards = runningShards
        self.relayOutcomes = relayOutcomes
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let commitBuckets: [Duration] = [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]
        factory.durationHistogramBuckets = ["waymark_commit_duration_seconds": commitBuckets, "waymark_inbox_append_duration_seconds": commitBuckets]
        self.factory = factory
        eventsAccepted = Metrics.Counter(label: "waymark_events_accepted_total", factory: factory)
        eventsDuplicate = Metrics.Counter(label: "waymark_events_duplicate_total", factory: factory)
        profilesAccepted = Metrics.Counter(label: "waymark_profiles_accepted_total", factory: factory)
        inputsProcessed = Metrics.Counter(label: "waymark_inputs_processed_total", factory: factory)
        commitDuration = Metrics.Timer(label: "waymark_commit_duration_seconds", factory: factory)
        appendDuration = Metrics.Timer(label: "waymark_inbox_append_duration_seconds", factory: factory)
        timerLag = Metrics.Gauge(label: "waymark_timer_lag_seconds", factory: factory)
        timersPending = Metrics.Gauge(label: "waymark_timers_pending", factory: factory)
        activeActors = Metrics.Gauge(label: "waymark_active_actors", factory: factory)
        applyBacklog = Metrics.Gauge(label: "waymark_apply_backlog", factory: factory)
        outboxPending = Metrics.Gauge(label: "waymark_outbox_backlog", factory: factory)
        outboxDeadLettered = Metrics.Gauge(label: "waymark_outbox_dead_lettered", factory: factory)
    }

    func eventsRejected(_ count: Int, code: String) {
        Metrics.Counter(label: "waymark_events_rejected_total", dimensions: [("code", code)], factory: factory).increment(by: count)
    }

    func requestRejected(code: String) {
        Metrics.Counter(label: "waymark_requests_rejected_total", dimensions: [("code", code)], factory: factory).increment()
    }

    /// Reads the engine's state into the gauges and the relays' outcomes into `waymark_sends_total`.
    func collect(engine: JourneyEngine, stores: [any ShardStore], now: Date) async {
        var resident = 0
        var pending = 0
        var queued = 0
        var earliestDue: Date?
        for shard in runningShards?() ?? engine.shards {
            queued += shard.queuedWork
            resident += await shard.residentCustomers
            pending += await shard.pendingTimerCount
            if let due = await shard.nextTimerDue() { earliestDue = min(earliestDue ?? due, due) }
        }
        activeActors.record(resident)
        applyBacklog.record(queued)
        timersPending.record(pending)
        // How far behind the scheduler is: how long the most overdue timer has been due.
        timerLag.record(max(0, earliestDue.map { now.timeIntervalSince($0) } ?? 0))
        var backlog = 0
        var dead = 0
        for store in stores {
            if let counts = try? await store.outboxCounts() {
                backlog += counts[.pending] ?? 0
                dead += counts[.deadLettered] ?? 0
            }
        }
        outboxPending.record(backlog)
        outboxDeadLettered.record(dead)
        var totals: [DeliveryOutcomeKey: Int] = [:]
        if let relayOutcomes {
            totals = await relayOutcomes()
        } else {
            for relay in engine.relays {
                totals.merge(await relay.outcomes, uniquingKeysWith: +)
            }
        }
        let increments = reportedOutcomes.withLock { reported -> [(DeliveryOutcomeKey, Int)] in
            defer { reported = totals }
            return totals.compactMap { key, total in total > (reported[key] ?? 0) ? (key, total - (reported[key] ?? 0)) : nil }
        }
        for (key, increment) in increments {
            Metrics.Counter(label: "waymark_sends_total", dimensions: [("channel", key.channel), ("outcome", key.outcome.rawValue)], factory: factory)
                .increment(by: increment)
        }
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        registry.emitToString()
    }
}

/// Counts what shards commit.
struct MetricsObserver: ShardObserver {
    let metrics: NodeMetrics

    func shardCommitted(_ batch: CommittedBatch) async {
        metrics.inputsProcessed.increment(by: batch.inputs)
    }
}

/// Passes every committed batch to several observers, in order.
struct FanoutObserver: ShardObserver {
    let observers: [any ShardObserver]

    func shardCommitted(_ batch: CommittedBatch) async {
        for observer in observers { await observer.shardCommitted(batch) }
    }
}
