import JourneyEngine
import JourneyRuntime

/// A ``ShardObserver`` that keeps everything shards commit, so tests can wait
/// for what they expect instead of sleeping.
public actor RecordingObserver: ShardObserver {
    public private(set) var actions: [ActionRecord] = []
    public private(set) var traces: [StepTrace] = []
    public private(set) var outbox: [OutboundMessage] = []
    public private(set) var inputs = 0
    private var waiters: [(predicate: @Sendable (RecordingObserver.Snapshot) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

    /// What has been recorded so far, for predicates.
    public struct Snapshot: Sendable {
        public var actions: [ActionRecord]
        public var outbox: [OutboundMessage]
        public var inputs: Int
    }

    public init() {}

    public func shardCommitted(_ batch: CommittedBatch) async {
        actions += batch.actions
        traces += batch.traces
        outbox += batch.outbox
        inputs += batch.inputs
        let snapshot = Snapshot(actions: actions, outbox: outbox, inputs: inputs)
        var remaining: [(predicate: @Sendable (Snapshot) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
        for waiter in waiters {
            if waiter.predicate(snapshot) { waiter.continuation.resume() } else { remaining.append(waiter) }
        }
        waiters = remaining
    }

    /// Suspends until what has been committed satisfies `predicate`.
    public func wait(until predicate: @escaping @Sendable (Snapshot) -> Bool) async {
        if predicate(Snapshot(actions: actions, outbox: outbox, inputs: inputs)) { return }
        await withCheckedContinuation { continuation in
            waiters.append((predicate, continuation))
        }
    }

    /// Suspends until at least `count` inputs have been committed.
    public func waitForInputs(_ count: Int) async {
        await wait { $0.inputs >= count }
    }
}
