import Foundation
import JourneyRuntime
import JourneyStorage
import Testing

/// Drives the in-memory store and the SQLite store through the same seeded
/// random script (duplicates, replays, timer churn, retries, pruning) and
/// compares everything a caller can observe after every step.
@Suite("SQLiteShardStore against InMemoryShardStore")
struct DifferentialTests {
    @Test("a random script gives the same observations on both stores", arguments: [1, 2, 3] as [UInt64])
    func sameObservations(seed: UInt64) async throws {
        try await withTemporaryDirectory { directory in
            let reference = InMemoryShardStore(actionHistoryLimit: 4)
            let sqlite = try SQLiteShardStore(
                path: directory.appendingPathComponent("shard.sqlite").path,
                options: .init(synchronous: .normal, actionHistoryLimit: 4))
            var random = SplitMix64(seed: seed)
            var lastSequence: Int64 = 0
            for step in 0..<80 {
                let operation = Operation.random(using: &random, lastSequence: lastSequence)
                let expected = try await operation.run(on: reference)
                let actual = try await operation.run(on: sqlite)
                #expect(actual == expected, "step \(step): \(operation)")
                if case .append(let results) = expected {
                    lastSequence = results.compactMap { $0 }.max() ?? lastSequence
                }
                let now = Fixture.at(Double(random.next(below: 120)))
                let observed = try await Observation(of: sqlite, now: now)
                #expect(observed == (try await Observation(of: reference, now: now)), "after step \(step): \(operation)")
            }
            try sqlite.close()
        }
    }
}

/// Everything a caller can read back from a store.
private struct Observation: Equatable {
    var timers: [TimerRequest]
    var inbox: [InboxEntry]
    var versions: [StoredJourneyVersion]
    var customers: [CustomerState?]
    var due: [OutboxEntry]
    var counts: [OutboxEntry.Status: Int]
    var actions: [[ActionRecord]]

    init(of store: any ShardStore, now: Date) async throws {
        let recovery = try await store.recover()
        timers = recovery.pendingTimers
        inbox = recovery.unappliedInbox
        versions = recovery.journeyVersions
        customers = []
        actions = []
        for id in try await store.customerIDs() { customers.append(try await store.customer(id)) }
        for id in Operation.customers { actions.append(try await store.recentActions(of: id, limit: 10)) }
        due = try await store.dueOutbox(now: now, limit: 1_000)
        counts = try await store.outboxCounts()
    }
}

/// One store call with random arguments.
private enum Operation: CustomStringConvertible {
    case append([InboxInput])
    case commit(ShardCommit)
    case update([OutboxUpdate])
    case save(StoredJourneyVersion)

    static let customers = ["ann", "ben", "cat"]

    /// What the call returned, for comparison.
    enum Outcome: Equatable {
        case append([Int64?])
        case done
    }

    var description: String {
        switch self {
        case .append(let inputs): "append \(inputs.map { $0.eventID ?? "-" })"
        case .commit(let commit): "commit applied=\(commit.appliedInboxSequence.map(String.init) ?? "nil") outbox=\(commit.outbox.map(\.idempotencyKey))"
        case .update(let updates): "update \(updates.map { "\($0.idempotencyKey)=\($0.status)" })"
        case .save(let version): "save \(version.journeyID)@\(version.version)"
        }
    }

    func run(on store: any ShardStore) async throws -> Outcome {
        switch self {
        case .append(let inputs): return .append(try await store.append(inputs).sequences)
        case .commit(let commit): try await store.commit(commit)
        case .update(let updates): try await store.updateOutbox(updates)
        case .save(let version): try await store.saveJourneyVersion(version)
        }
        return .done
    }

    static func random(using random: inout SplitMix64, lastSequence: Int64) -> Operation {
        func customer() -> String { customers[random.next(below: customers.count)] }
        func time() -> Double { Double(random.next(below: 100)) }
        func count(_ most: Int) -> Int { random.next(below: most + 1) }
        switch random.next(below: 10) {
        case 0..<3:
            return .append((0..<count(4)).map { _ in
                random.next(below: 5) == 0
                    ? Fixture.profileChange(customer())
                    : Fixture.event(random.next(below: 3) == 0 ? nil : "e\(random.next(below: 8))", customer: customer(), at: time())
            })
        case 3..<7:
            let statuses: [Bool] = (0..<3).map { _ in random.next(below: 2) == 0 }
            return .commit(ShardCommit(
                snapshots: (0..<count(2)).map { _ in Fixture.customer(customer(), tier: statuses[0] ? "gold" : "silver") },
                timersSet: (0..<count(3)).map { _ in Fixture.timer(customer(), UInt64(random.next(below: 6)), due: time()) },
                timersDeleted: (0..<count(2)).map { _ in TimerKey(customerID: customer(), token: UInt64(random.next(below: 6))) },
                outbox: (0..<count(3)).map { _ in Fixture.message("k\(random.next(below: 10))", customer: customer(), at: time()) },
                appliedInboxSequence: statuses[1] ? nil : Int64(random.next(below: Int(lastSequence) + 2)),
                actions: (0..<count(4)).map { _ in Fixture.action(customer(), step: "s\(random.next(below: 100))", at: time()) }))
        case 7..<9:
            return .update((0..<count(3)).map { _ in
                OutboxUpdate(
                    idempotencyKey: "k\(random.next(below: 10))",
                    status: OutboxEntry.Status.allCases[random.next(below: 3)], attempts: count(5),
                    nextAttemptAt: Fixture.at(time()), lastError: random.next(below: 2) == 0 ? nil : "error \(count(9))")
            })
        default:
            return .save(Fixture.journeyVersion(
                ["a", "b"][random.next(below: 2)], version: 1 + random.next(below: 3), active: random.next(below: 2) == 0,
                hash: "h\(random.next(below: 5))"))
        }
    }
}

extension SplitMix64 {
    /// A number in `0..<bound` (a failing seed fails the same way every run).
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
