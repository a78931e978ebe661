import Foundation
import JourneyRuntime
import Metrics

/// A ``ShardStore`` that times the two writes on the ingest path (inbox appends
/// and effect commits) and passes everything through unchanged. A decorator,
/// so the engine and the storage stay free of metrics.
struct TimedShardStore: ShardStore {
    let base: any ShardStore
    let commitDuration: Metrics.Timer
    let appendDuration: Metrics.Timer

    func recover() async throws -> ShardRecovery { try await base.recover() }
    func recover(timerLimit: Int?) async throws -> ShardRecovery { try await base.recover(timerLimit: timerLimit) }
    func pendingTimers(after: Date, atLeast limit: Int) async throws -> [TimerRequest] {
        try await base.pendingTimers(after: after, atLeast: limit)
    }
    func customer(_ id: String) async throws -> CustomerState? { try await base.customer(id) }
    func customers(_ ids: [String]) async throws -> [String: CustomerState] { try await base.customers(ids) }
    func customerIDs() async throws -> [String] { try await base.customerIDs() }

    func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        let start = ContinuousClock.now
        defer { appendDuration.recordInterval(since: start) }
        return try await base.append(inputs)
    }

    func commit(_ commit: ShardCommit) async throws {
        let start = ContinuousClock.now
        defer { commitDuration.recordInterval(since: start) }
        try await base.commit(commit)
    }

    func dueOutbox(now: Date, limit: Int) async throws -> [OutboxEntry] { try await base.dueOutbox(now: now, limit: limit) }
    func updateOutbox(_ updates: [OutboxUpdate]) async throws { try await base.updateOutbox(updates) }
    func outboxCounts() async throws -> [OutboxEntry.Status: Int] { try await base.outboxCounts() }
    func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord] {
        try await base.recentActions(of: customerID, limit: limit)
    }
    func saveJourneyVersion(_ version: StoredJourneyVersion) async throws { try await base.saveJourneyVersion(version) }
    var keepsCustomerState: Bool { base.keepsCustomerState }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
