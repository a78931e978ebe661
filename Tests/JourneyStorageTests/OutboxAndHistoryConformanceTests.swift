import Foundation
import JourneyRuntime
import Testing

/// The ShardStore contract for the outbox, the action history and journey
/// versions, checked against every store.
@Suite("ShardStore conformance: outbox, actions, journey versions")
struct OutboxAndHistoryConformanceTests {
    @Test("committing a known idempotency key again keeps the first row", arguments: StoreKind.allCases)
    func outboxInsertOrIgnore(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.commit(ShardCommit(outbox: [Fixture.message("k1"), Fixture.message("k1", channel: "sms")]))
            try await store.commit(ShardCommit(outbox: [Fixture.message("k1", at: 5, channel: "push")]))
            let due = try await store.dueOutbox(now: Fixture.at(100), limit: 10)
            #expect(due == [OutboxEntry(message: Fixture.message("k1"), nextAttemptAt: Fixture.at(0))])
            #expect(try await store.outboxCounts() == [.pending: 1])

            // A replay after delivery must not queue the send again.
            try await store.updateOutbox([OutboxUpdate(idempotencyKey: "k1", status: .delivered, attempts: 1, nextAttemptAt: Fixture.at(1))])
            try await store.commit(ShardCommit(outbox: [Fixture.message("k1", at: 7)]))
            #expect(try await store.dueOutbox(now: Fixture.at(100), limit: 10).isEmpty)
            #expect(try await store.outboxCounts() == [.delivered: 1])
        }
    }

    @Test("due entries come in insertion order, not time order, up to the limit", arguments: StoreKind.allCases)
    func dueOrdering(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.commit(ShardCommit(outbox: [Fixture.message("c", at: 30), Fixture.message("a", at: 10), Fixture.message("b", at: 20)]))
            try await store.commit(ShardCommit(outbox: [Fixture.message("d", at: 5)]))
            func keys(now: Double, limit: Int = 10) async throws -> [String] {
                try await store.dueOutbox(now: Fixture.at(now), limit: limit).map(\.message.idempotencyKey)
            }
            #expect(try await keys(now: 100) == ["c", "a", "b", "d"])
            #expect(try await keys(now: 15) == ["a", "d"])
            #expect(try await keys(now: 10) == ["a", "d"])
            #expect(try await keys(now: 100, limit: 2) == ["c", "a"])
            #expect(try await keys(now: -1).isEmpty)
        }
    }

    @Test("delivery outcomes update status, attempts, next attempt and error", arguments: StoreKind.allCases)
    func outboxUpdates(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.commit(ShardCommit(outbox: ["k1", "k2", "k3"].map { Fixture.message($0) }))
            try await store.updateOutbox([
                OutboxUpdate(idempotencyKey: "k1", status: .delivered, attempts: 1, nextAttemptAt: Fixture.at(1)),
                OutboxUpdate(idempotencyKey: "k2", status: .pending, attempts: 1, nextAttemptAt: Fixture.at(500), lastError: "timeout"),
                OutboxUpdate(idempotencyKey: "k3", status: .deadLettered, attempts: 5, nextAttemptAt: Fixture.at(2), lastError: "410 Gone"),
                OutboxUpdate(idempotencyKey: "unknown", status: .delivered, attempts: 1, nextAttemptAt: Fixture.at(1)),
            ])
            #expect(try await store.outboxCounts() == [.pending: 1, .delivered: 1, .deadLettered: 1])
            #expect(try await store.dueOutbox(now: Fixture.at(499), limit: 10).isEmpty)
            #expect(try await store.dueOutbox(now: Fixture.at(500), limit: 10) == [
                OutboxEntry(message: Fixture.message("k2"), attempts: 1, nextAttemptAt: Fixture.at(500), lastError: "timeout")
            ])

            // A retried entry keeps its place ahead of later sends.
            try await store.commit(ShardCommit(outbox: [Fixture.message("k4", at: 50)]))
            try await store.updateOutbox([OutboxUpdate(idempotencyKey: "k2", status: .pending, attempts: 2, nextAttemptAt: Fixture.at(40))])
            let due = try await store.dueOutbox(now: Fixture.at(600), limit: 10)
            #expect(due.map(\.message.idempotencyKey) == ["k2", "k4"])
            #expect(due.first?.lastError == nil && due.first?.attempts == 2)
        }
    }

    @Test("only the newest actions of each customer are kept", arguments: StoreKind.allCases)
    func actionHistoryLimit(kind: StoreKind) async throws {
        try await withStore(kind, actionHistoryLimit: 3) { store in
            let alice = (1...5).map { Fixture.action("alice", step: "s\($0)", at: Double($0)) }
            let bob = Fixture.action("bob", step: "b1")
            try await store.commit(ShardCommit(actions: [alice[0], bob, alice[1]]))
            try await store.commit(ShardCommit(actions: Array(alice[2...])))
            #expect(try await store.recentActions(of: "alice", limit: 10) == Array(alice[2...]))
            #expect(try await store.recentActions(of: "alice", limit: 2) == Array(alice[3...]))
            #expect(try await store.recentActions(of: "alice", limit: 0).isEmpty)
            #expect(try await store.recentActions(of: "bob", limit: 10) == [bob])
            #expect(try await store.recentActions(of: "nobody", limit: 10).isEmpty)

            let carol = (1...7).map { Fixture.action("carol", step: "c\($0)") }
            try await store.commit(ShardCommit(actions: carol))
            #expect(try await store.recentActions(of: "carol", limit: 10) == Array(carol[4...]))
        }
    }

    @Test("saving a journey version again replaces it; versions recover in order", arguments: StoreKind.allCases)
    func journeyVersions(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for version in [Fixture.journeyVersion("b", version: 2), Fixture.journeyVersion("b", version: 1), Fixture.journeyVersion("a", version: 1)] {
                try await store.saveJourneyVersion(version)
            }
            let undeployed = Fixture.journeyVersion("b", version: 1, active: false, hash: "h2")
            try await store.saveJourneyVersion(undeployed)
            #expect(try await store.recover().journeyVersions == [
                Fixture.journeyVersion("a", version: 1), undeployed, Fixture.journeyVersion("b", version: 2),
            ])
        }
    }
}
