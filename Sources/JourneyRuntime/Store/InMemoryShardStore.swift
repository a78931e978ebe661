import Foundation
import JourneyModel

/// A ``ShardStore`` that keeps everything in memory: for the simulator (no
/// durable I/O, as fast as the interpreter) and for tests. Same semantics as the
/// SQLite store, including de-duplication and outbox idempotency.
public actor InMemoryShardStore: ShardStore {
    private var snapshots: [String: CustomerState] = [:]
    private var timers: [TimerKey: TimerRequest] = [:]
    private var inbox: [InboxEntry] = []
    private var appliedSequence: Int64 = 0
    private var seenEventIDs: Set<String> = []
    private var outbox: [String: OutboxEntry] = [:]
    private var outboxOrder: [String] = []
    private var actions: [String: [ActionRecord]] = [:]
    private var versions: [String: StoredJourneyVersion] = [:]
    /// Actions kept per customer, as the SQLite store does; 0 keeps none.
    private let actionHistoryLimit: Int
    /// Whether committed sends are kept for delivery. The simulator delivers nothing and takes
    /// the sends from each committed batch, so it keeps none: its outbox would only grow.
    private let keepsOutbox: Bool
    /// False for the simulator: its shard never reads a snapshot or a timer back, so it commits
    /// none, and this store would only hold a second copy of every customer's state.
    public nonisolated let keepsCustomerState: Bool

    public init(actionHistoryLimit: Int = 100, keepsOutbox: Bool = true, keepsCustomerState: Bool = true) {
        self.actionHistoryLimit = actionHistoryLimit
        self.keepsOutbox = keepsOutbox
        self.keepsCustomerState = keepsCustomerState
    }

    public func recover() async throws -> ShardRecovery {
        try await recover(timerLimit: nil)
    }

    public func recover(timerLimit: Int?) async throws -> ShardRecovery {
        let timers = timersInDueOrder()
        return ShardRecovery(
            pendingTimers: timerLimit.map { timers.timerPage(after: nil, atLeast: $0) } ?? timers,
            unappliedInbox: inbox.filter { $0.sequence > appliedSequence },
            journeyVersions: versions.values.sorted { ($0.journeyID, $0.version) < ($1.journeyID, $1.version) })
    }

    public func pendingTimers(after: Date, atLeast limit: Int) async throws -> [TimerRequest] {
        timersInDueOrder().timerPage(after: after, atLeast: limit)
    }

    private func timersInDueOrder() -> [TimerRequest] {
        timers.values.sorted { ($0.due, $0.customerID, $0.token) < ($1.due, $1.customerID, $1.token) }
    }

    public func customer(_ id: String) async throws -> CustomerState? { snapshots[id] }

    public func customerIDs() async throws -> [String] { snapshots.keys.sorted() }

    public func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        var results: [InboxAppendResult] = []
        for input in inputs {
            if let key = input.deduplicationKey, !seenEventIDs.insert(key).inserted {
                results.append(.duplicate)
                continue
            }
            let entry = InboxEntry(sequence: Int64(inbox.count) + 1, input: input)
            inbox.append(entry)
            results.append(.appended(entry))
        }
        return results
    }

    public func commit(_ commit: ShardCommit) async throws {
        if keepsCustomerState {
            for snapshot in commit.snapshots { snapshots[snapshot.customerID] = snapshot }
            for key in commit.timersDeleted { timers.removeValue(forKey: key) }
            for timer in commit.timersSet { timers[TimerKey(customerID: timer.customerID, token: timer.token)] = timer }
        }
        for message in commit.outbox where keepsOutbox && outbox[message.idempotencyKey] == nil {
            outbox[message.idempotencyKey] = OutboxEntry(message: message, nextAttemptAt: message.time)
            outboxOrder.append(message.idempotencyKey)
        }
        if let sequence = commit.appliedInboxSequence { appliedSequence = max(appliedSequence, sequence) }
        guard actionHistoryLimit > 0 else { return }
        for action in commit.actions {
            actions[action.customer, default: []].append(action)
            if actions[action.customer]!.count > actionHistoryLimit { actions[action.customer]!.removeFirst() }
        }
    }

    public func dueOutbox(now: Date, limit: Int) async throws -> [OutboxEntry] {
        Array(outboxOrder.lazy.compactMap { self.outbox[$0] }.filter { $0.status == .pending && $0.nextAttemptAt <= now }.prefix(limit))
    }

    public func updateOutbox(_ updates: [OutboxUpdate]) async throws {
        for update in updates {
            guard var entry = outbox[update.idempotencyKey] else { continue }
            entry.status = update.status
            entry.attempts = update.attempts
            entry.nextAttemptAt = update.nextAttemptAt
            entry.lastError = update.lastError
            outbox[update.idempotencyKey] = entry
        }
    }

    public func outboxCounts() async throws -> [OutboxEntry.Status: Int] {
        Dictionary(grouping: outbox.values, by: \.status).mapValues(\.count)
    }

    public func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord] {
        Array((actions[customerID] ?? []).suffix(limit))
    }

    public func saveJourneyVersion(_ version: StoredJourneyVersion) async throws {
        versions["\(version.journeyID)#\(version.version)"] = version
    }

    /// Every outbox entry in insertion order (tests compare outboxes of two runs).
    public func allOutbox() -> [OutboxEntry] {
        outboxOrder.compactMap { outbox[$0] }
    }
}
