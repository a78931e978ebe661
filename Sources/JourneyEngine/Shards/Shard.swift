import Foundation
import JourneyRuntime
import Logging

/// One shard: a fixed slice of the customers (by a stable hash of their id),
/// with their actors, a timer queue, and one store. The unit of ownership,
/// of batching, and of moving between nodes.
///
/// Work is applied one item at a time, in order, through the customer's
/// actor; the state changes of many items are committed together by
/// ``flush()`` (group commit). Timers set by an item are visible to the
/// timer queue at once, so a driver that interleaves events and timers by
/// time (the simulator) sees exactly what a live node would.
public actor Shard {
    public let index: Int
    let store: any ShardStore
    /// The store as customer actors read their actions from it (one shared reference).
    let actionHistory: CustomerActionHistory
    let actorSystem: WaymarkActorSystem
    let logger: Logger
    let observer: (any ShardObserver)?
    private(set) var interpreter: Interpreter
    var directory: CustomerDirectory
    var timers: TimerQueue
    /// The commit batch that work processed now joins (tags timer changes for paging).
    var openBatch = 1
    /// The last batch known committed.
    var committedBatch = 0
    /// While a timer page is read: the last batch committed when the read began.
    var pageReadBase: Int?
    /// The shard's logical time: never goes backwards, so a customer never sees time reverse.
    var logicalNow: Date
    var pending = PendingCommit()
    /// Rung when a timer earlier than the one the timer loop sleeps for is set.
    let timerWakeup = Wakeup()
    nonisolated let queues: ShardQueues
    /// Whether the store is open and the timers are loaded (readiness).
    public private(set) var isRecovered = false
    /// Whether commits carry snapshots and timer changes (false: the store would never read them).
    let commitsCustomerState: Bool

    public init(
        index: Int, store: any ShardStore, interpreter: Interpreter, actorSystem: WaymarkActorSystem,
        passivation: PassivationPolicy, backlog: BacklogPolicy = BacklogPolicy(), start: Date, observer: (any ShardObserver)?,
        logger: Logger
    ) {
        // A store that keeps no customer state can only serve a shard that never needs it back:
        // one that never passivates an actor and keeps every timer in memory (the simulator).
        precondition(
            store.keepsCustomerState
                || (passivation.idleTimeout == .infinity && passivation.maximumResident == .max && passivation.timerWindow == nil),
            "a store that keeps no customer state needs a shard that never passivates and has no timer window")
        self.index = index
        self.store = store
        self.actionHistory = CustomerActionHistory(store: store)
        self.commitsCustomerState = store.keepsCustomerState
        self.interpreter = interpreter
        self.actorSystem = actorSystem
        self.directory = CustomerDirectory(
            idleTimeout: passivation.idleTimeout, maximumResident: passivation.maximumResident, compactAfter: passivation.compactAfter)
        self.timers = TimerQueue(window: passivation.timerWindow)
        self.queues = ShardQueues(backlog: backlog)
        self.logicalNow = start
        self.observer = observer
        var logger = logger
        logger[metadataKey: "shard.id"] = "\(index)"
        self.logger = logger
    }

    /// Loads timers and journey versions and returns the inbox entries accepted but never applied.
    public func recover() async throws -> [InboxEntry] {
        let window = timers.window
        let recovery = try await store.recover(timerLimit: window)
        timers = TimerQueue(window: window, loaded: recovery.pendingTimers, complete: window.map { recovery.pendingTimers.count < $0 } ?? true)
        isRecovered = true
        interpreter.catalog = JourneyCatalog(restoring: recovery.journeyVersions)
        logger.info("shard recovered", metadata: [
            "timers.pending": "\(recovery.pendingTimers.count)", "inbox.unapplied": "\(recovery.unappliedInbox.count)",
        ])
        return recovery.unappliedInbox
    }

    /// Replaces the deployed journeys (a deploy or undeploy happened).
    public func setCatalog(_ catalog: JourneyCatalog) {
        interpreter.catalog = catalog
    }

    public var residentCustomers: Int { directory.count }

    /// Accepted inputs and due timers waiting for the apply loop (bounded by ``BacklogPolicy``
    /// for inputs). Zero on a cluster node's shards, whose runners apply from the shared inbox.
    public nonisolated var queuedWork: Int { queues.work.count }
    /// Pending timers held in memory (with a timer window, more may wait in the store).
    public var pendingTimerCount: Int { timers.count }

    /// What the open batch holds so far: the simulator notes it after each input to know
    /// which input produced which actions.
    public var pendingOutputCounts: CommittedBatch.Counts {
        CommittedBatch.Counts(actions: pending.actions.count, traces: pending.traces.count, outbox: pending.outbox.count)
    }

    /// The pending timers held in memory, in no particular order (without a timer window: all of them).
    public var pendingTimers: [TimerRequest] { timers.pending }

    /// Whether any timer is pending, in memory or in the store.
    public var hasPendingTimers: Bool { timers.hasPending }

    /// The earliest pending timer's due time.
    public func nextTimerDue() -> Date? { timers.nextDue() }

    /// Removes and returns the timers in memory due at or before `now`
    /// (call ``pageInTimersIfNeeded()`` first when a timer window is set).
    public func takeDueTimers(now: Date) -> [TimerRequest] { timers.popDue(now: now, batch: openBatch) }

    /// Applies one item through its customer's actor. Its state change joins the pending commit.
    public func process(_ work: ShardWork) async throws {
        var none = PrefetchedSnapshots()
        try await process(work, prefetched: &none)
    }

    func process(_ work: ShardWork, prefetched: inout PrefetchedSnapshots) async throws {
        let customerID = work.customerID
        let now = max(logicalNow, work.time)
        logicalNow = now
        let actor = try await activate(customerID, now: now, prefetched: &prefetched)
        let input = work.input
        let interpreter = interpreter
        let commitsCustomerState = commitsCustomerState
        guard let (applied, state) = await actor.whenLocal({ $0.apply(input, at: now, using: interpreter, returningState: commitsCustomerState) }) else {
            throw ActorSystemError(.wrongActorType, "customer \(customerID) resolved to a remote actor on its own shard")
        }
        if let state { pending.snapshots[customerID] = state }
        pending.inputs += 1
        switch work {
        case .inbox(let entry): pending.appliedSequence = max(pending.appliedSequence ?? 0, entry.sequence)
        case .timer(let timer):
            if commitsCustomerState { pending.timerChanges[TimerKey(customerID: timer.customerID, token: timer.token)] = .some(nil) }
        case .system: break
        }
        var earliestSet: Date?
        // Each effect is moved out of the array, a placeholder holding no reference left in its
        // place: a copy retained every string of every action and trace, and releasing the array
        // released them again, about 2.5% of a simulation.
        var effects = consume applied
        for position in effects.indices {
            var effect = Effect.cancelTimer(token: 0)
            swap(&effect, &effects[position])
            switch consume effect {
            case .action(let action): pending.actions.append(action)
            case .trace(let trace): pending.traces.append(trace)
            case .deliver(let message): pending.outbox.append(message)
            case .setTimer(let timer):
                if commitsCustomerState { pending.timerChanges[TimerKey(customerID: timer.customerID, token: timer.token)] = .some(timer) }
                timers.insert(timer, batch: openBatch)
                earliestSet = min(earliestSet ?? timer.due, timer.due)
            case .cancelTimer(let token):
                let key = TimerKey(customerID: customerID, token: token)
                if commitsCustomerState { pending.timerChanges[key] = .some(nil) }
                timers.remove(key, batch: openBatch)
            }
        }
        if earliestSet != nil { timerWakeup.ring() }
    }

    /// Commits everything processed since the last flush in one transaction, then tells the observer.
    @discardableResult
    public func flush() async throws -> CommittedBatch {
        let batch = pending
        pending = PendingCommit(sizedLike: batch)
        let batchNumber = openBatch
        openBatch += 1
        let committed = CommittedBatch(shard: index, actions: batch.actions, traces: batch.traces, outbox: batch.outbox, inputs: batch.inputs)
        guard batch.inputs > 0 else { return committed }
        do {
            try await store.commit(batch.commit)
        } catch {
            // The actors' memory is now ahead of the store: forget them so they reload what was committed.
            for customerID in batch.snapshots.keys { directory.evict(customerID) }
            timers.discard(batch: batchNumber)
            logger.error("shard commit failed", metadata: ["error": "\(error)", "inputs": "\(batch.inputs)"])
            throw error
        }
        committedBatch = batchNumber
        timers.settle(through: min(committedBatch, pageReadBase ?? .max))
        await observer?.shardCommitted(committed)
        return committed
    }

    /// Processes a batch of work in order and commits it.
    public func apply(_ work: [ShardWork]) async throws {
        var prefetched = try await prefetchSnapshots(for: work)
        for item in ShardWork.ordered(work) {
            try await process(item, prefetched: &prefetched)
        }
        try await flush()
        _ = directory.passivate(now: logicalNow)
        // A bounded sweep, so that a crowd going idle at once (a burst an earlier load left behind)
        // cannot stall the next batch: as many as this batch could have touched, at least 256
        // (about a millisecond). Packing keeps up with arrivals; a backlog drains over later batches.
        for actor in directory.idleToCompact(now: logicalNow, limit: max(256, work.count)) {
            await actor.whenLocal { $0.compact() }
        }
    }

    /// The actor of a customer: already resident, or activated from the store's snapshot.
    func activate(_ customerID: String, now: Date, prefetched: inout PrefetchedSnapshots) async throws -> CustomerActor {
        if let actor = directory.touchResident(customerID, at: now) { return actor }
        let stored: CustomerState?
        if let readAhead = prefetched.take(customerID, committedBatch: committedBatch) {
            stored = readAhead
        } else {
            stored = try await store.customer(customerID)
        }
        // Another activation of the same customer (a remote call, say) may have finished while
        // the store was read: keep its actor, or two actors would hold the customer apart.
        if let actor = directory.actor(customerID) {
            directory.touch(customerID, actor: actor, at: now)
            return actor
        }
        let actor = actorSystem.makeActor(id: CustomerActorID(customerID: customerID)) {
            CustomerActor(
                state: stored ?? CustomerState(customerID: customerID), isKnown: stored != nil, history: actionHistory, actorSystem: actorSystem)
        }
        directory.touch(customerID, actor: actor, at: now)
        return actor
    }

    /// The customer's actor for a call from elsewhere (another node, the API): resident, or
    /// activated from the store at the shard's logical time. It stays resident until passivated.
    public func actor(for customerID: String) async throws -> CustomerActor {
        var none = PrefetchedSnapshots()
        return try await activate(customerID, now: logicalNow, prefetched: &none)
    }

    /// The current state of a customer (resident or stored), without activating it.
    public func customerState(_ customerID: String) async throws -> CustomerState? {
        if let actor = directory.actor(customerID) {
            return try await actor.snapshot()
        }
        return try await store.customer(customerID)
    }
}

/// When idle customer actors leave memory.
public struct PassivationPolicy: Sendable {
    public var idleTimeout: TimeInterval
    public var maximumResident: Int
    /// Pending timers a shard keeps in memory between pages read from its store
    /// (up to twice this); nil keeps every timer in memory (the simulator).
    public var timerWindow: Int?
    /// Resident actors unused this long keep their state packed (``CompactCustomerState``)
    /// until their next input; `.infinity` never packs (the simulator, which values speed).
    public var compactAfter: TimeInterval

    public init(idleTimeout: TimeInterval = 300, maximumResident: Int = 100_000, timerWindow: Int? = 25_000, compactAfter: TimeInterval = 30) {
        self.idleTimeout = idleTimeout
        self.maximumResident = maximumResident
        self.timerWindow = timerWindow
        self.compactAfter = compactAfter
    }
}
