import Foundation
import JourneyEngine
import Metrics
import Synchronization

/// Per-node metrics of node-to-node calls, through swift-metrics with the node's own
/// factory (nothing global, so several nodes can share a test process):
///
/// - `waymark_remote_calls_total{outcome}`: calls made, `ok` or the error code;
/// - `waymark_remote_call_duration_seconds`: their latency, retries included;
/// - `waymark_remote_call_errors_total{code}`: the failed ones by code;
/// - `waymark_remote_call_moved_retries_total`: calls re-sent after a `moved` answer;
/// - `waymark_remote_calls_served_total{outcome}`: calls other nodes made to this one.
///
/// The same counts are kept in plain counters, for tests and the benchmark.
public final class RemoteCallMetrics: Sendable {
    let factory: any MetricsFactory
    let duration: Metrics.Timer
    let movedRetries: Metrics.Counter
    private let tally = Mutex(Counts())

    /// What happened so far, in one reading.
    public struct Counts: Sendable, Hashable {
        public var calls = 0
        public var errors: [ActorSystemError.Code: Int] = [:]
        public var movedRetries = 0
        public var served = 0
    }

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        duration = Metrics.Timer(label: "waymark_remote_call_duration_seconds", factory: factory)
        movedRetries = Metrics.Counter(label: "waymark_remote_call_moved_retries_total", factory: factory)
    }

    public var counts: Counts { tally.withLock { $0 } }

    func called(since start: ContinuousClock.Instant, error: ActorSystemError.Code?) {
        duration.recordInterval(since: start)
        Metrics.Counter(label: "waymark_remote_calls_total", dimensions: [("outcome", error?.rawValue ?? "ok")], factory: factory).increment()
        if let error {
            Metrics.Counter(label: "waymark_remote_call_errors_total", dimensions: [("code", error.rawValue)], factory: factory).increment()
        }
        tally.withLock { counts in
            counts.calls += 1
            if let error { counts.errors[error, default: 0] += 1 }
        }
    }

    func movedRetry() {
        movedRetries.increment()
        tally.withLock { $0.movedRetries += 1 }
    }

    func served(since start: ContinuousClock.Instant, error: ActorSystemError.Code?) {
        Metrics.Counter(label: "waymark_remote_calls_served_total", dimensions: [("outcome", error?.rawValue ?? "ok")], factory: factory).increment()
        tally.withLock { $0.served += 1 }
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
