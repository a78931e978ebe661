import Foundation
import JourneyModel

/// The durable state of one shard: customer snapshots, pending timers, the
/// inbox of accepted inputs, the outbox of sends, event ids seen, and the
/// deployed journey versions.
///
/// The seam between the engine and storage: `SQLiteShardStore` (GRDB, WAL) is
/// the real one, ``InMemoryShardStore`` serves the simulator and tests. Every
/// method that changes data commits before it returns; callers batch many
/// inputs into one call (group commit) for throughput. A shard has exactly one
/// writer (its engine), so implementations need not arbitrate between writers.
public protocol ShardStore: Sendable {
    /// What the engine needs to resume after a start or a crash.
    func recover() async throws -> ShardRecovery

    /// Like ``recover()``, with only the earliest pending timers: at least `timerLimit` of
    /// them when there are that many, never splitting timers due at the same time.
    /// The rest are read page by page with ``pendingTimers(after:atLeast:)``.
    func recover(timerLimit: Int?) async throws -> ShardRecovery

    /// The earliest pending timers due strictly after `after` (`timeIntervalSince1970`, the
    /// number stores keep), in due order: at least `limit` of them when there are that many,
    /// and every timer due at the last one's time, so a page never splits a due time.
    func pendingTimers(after: Date, atLeast limit: Int) async throws -> [TimerRequest]

    /// The last committed snapshot of a customer, or nil for a customer never seen.
    func customer(_ id: String) async throws -> CustomerState?

    /// The last committed snapshots of several customers; those never seen are absent. A shard
    /// reads a batch's arrivals in one call: read one by one, each cost a thread hand-off.
    func customers(_ ids: [String]) async throws -> [String: CustomerState]

    /// Ids of every customer with a snapshot (for schedule ticks and segment checks).
    func customerIDs() async throws -> [String]

    /// Durably appends accepted inputs to the inbox in one transaction. Inputs whose
    /// event id was already seen are not appended; the result says which were.
    func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult]

    /// Commits the effects of applied inputs in one transaction.
    func commit(_ commit: ShardCommit) async throws

    /// Outbox entries due for a delivery attempt at `now`, oldest first.
    func dueOutbox(now: Date, limit: Int) async throws -> [OutboxEntry]

    /// Records delivery outcomes.
    func updateOutbox(_ updates: [OutboxUpdate]) async throws

    /// Counts of outbox entries by status, for metrics.
    func outboxCounts() async throws -> [OutboxEntry.Status: Int]

    /// The most recent actions of a customer, newest last.
    func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord]

    /// Saves a deployed journey version (idempotent on journey id and version).
    func saveJourneyVersion(_ version: StoredJourneyVersion) async throws

    /// Whether the store keeps customer snapshots and pending timers, so that ``customer(_:)``
    /// and ``recover(timerLimit:)`` give them back. A store that keeps neither (the simulator's:
    /// it never restarts, never passivates and holds every timer in memory) is committed none,
    /// and the shard skips building them; it suits only a shard that never reads them back.
    var keepsCustomerState: Bool { get }
}

extension ShardStore {
    /// Every durable store keeps what it is committed.
    public var keepsCustomerState: Bool { true }

    /// One ``customer(_:)`` call per id, for stores where reading one at a time costs no more.
    public func customers(_ ids: [String]) async throws -> [String: CustomerState] {
        var found: [String: CustomerState] = [:]
        for id in ids {
            if let state = try await customer(id) { found[id] = state }
        }
        return found
    }

    public func recover(timerLimit: Int?) async throws -> ShardRecovery {
        var recovery = try await recover()
        if let timerLimit { recovery.pendingTimers = recovery.pendingTimers.timerPage(after: nil, atLeast: timerLimit) }
        return recovery
    }

    public func pendingTimers(after: Date, atLeast limit: Int) async throws -> [TimerRequest] {
        try await recover().pendingTimers.timerPage(after: after, atLeast: limit)
    }
}

extension Array where Element == TimerRequest {
    /// A page of timers already in due order: those due after `after`, at least `limit`
    /// of them when there are that many, with every timer due at the last one's time.
    public func timerPage(after: Date?, atLeast limit: Int) -> [TimerRequest] {
        let floor = after?.timeIntervalSince1970 ?? -.infinity
        let start = firstIndex { $0.due.timeIntervalSince1970 > floor } ?? endIndex
        var end = Swift.min(endIndex, start + Swift.max(0, limit))
        if end > start, end < endIndex {
            let last = self[end - 1].due.timeIntervalSince1970
            while end < endIndex, self[end].due.timeIntervalSince1970 == last { end += 1 }
        }
        return Array(self[start..<end])
    }
}

/// Everything the store holds that a shard needs in memory to start.
public struct ShardRecovery: Sendable {
    public var pendingTimers: [TimerRequest]
    /// Inbox entries accepted but whose effects were not committed, in inbox order.
    public var unappliedInbox: [InboxEntry]
    public var journeyVersions: [StoredJourneyVersion]

    public init(pendingTimers: [TimerRequest], unappliedInbox: [InboxEntry], journeyVersions: [StoredJourneyVersion]) {
        self.pendingTimers = pendingTimers
        self.unappliedInbox = unappliedInbox
        self.journeyVersions = journeyVersions
    }
}

/// An input waiting to be appended to the inbox.
public struct InboxInput: Sendable, Hashable, Codable {
    public enum Payload: Sendable, Hashable, Codable {
        case event(CustomerEvent)
        case profile(ProfileChange)
    }

    public var payload: Payload
    /// When the node accepted it: the instant the input is applied at, so a replay decides the same.
    public var acceptedAt: Date

    public init(payload: Payload, acceptedAt: Date) {
        self.payload = payload
        self.acceptedAt = acceptedAt
    }

    public var customerID: String {
        switch payload {
        case .event(let event): event.customerID
        case .profile(let change): change.customerID
        }
    }

    /// The idempotency id of an event input, if it has one.
    public var eventID: String? {
        if case .event(let event) = payload { return event.id }
        return nil
    }

    /// What a store remembers to recognise this event again: its id, for its customer.
    ///
    /// An id identifies an event of one customer: two customers' events may carry the same id
    /// (a device's or a shop's own counter) and are both accepted. Keyed by the id alone, whether
    /// the second was dropped depended on whether the two customers hashed to the same shard.
    /// The customer id's length comes first, so no pair of ids spells another pair's key.
    public var deduplicationKey: String? {
        eventID.map { "\(customerID.utf8.count):\(customerID)/\($0)" }
    }

    public var customerInput: CustomerInput {
        switch payload {
        case .event(let event): .event(event)
        case .profile(let change): .profile(change)
        }
    }
}

/// An accepted input with its position in the shard's inbox.
public struct InboxEntry: Sendable, Hashable, Codable {
    /// Strictly increasing within a shard, without gaps.
    public var sequence: Int64
    public var input: InboxInput

    public init(sequence: Int64, input: InboxInput) {
        self.sequence = sequence
        self.input = input
    }
}

public enum InboxAppendResult: Sendable, Hashable {
    case appended(InboxEntry)
    /// An event with this id was already accepted; it is ignored.
    case duplicate
}
