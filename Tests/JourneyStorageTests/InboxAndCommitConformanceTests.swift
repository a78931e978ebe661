import Foundation
import JourneyRuntime
import Testing

/// The ShardStore contract for the inbox, snapshots and timers, checked against
/// every store: the SQLite store must behave exactly like the in-memory one.
@Suite("ShardStore conformance: inbox, snapshots, timers")
struct InboxAndCommitConformanceTests {
    @Test("sequences are gapless and keep increasing across batches", arguments: StoreKind.allCases)
    func gaplessSequences(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let inputs = [Fixture.event("e1"), Fixture.event(nil), Fixture.profileChange("bob")]
            let first = try await store.append(inputs)
            let expected: [InboxAppendResult] = zip(Int64(1)..., inputs).map { .appended(InboxEntry(sequence: $0, input: $1)) }
            #expect(first == expected)
            let second = try await store.append([Fixture.event("e2"), Fixture.event(nil)])
            #expect(second.sequences == [4, 5])
            #expect(try await store.append([]).isEmpty)
        }
    }

    @Test("the same event id twice in one batch is appended once, without a gap", arguments: StoreKind.allCases)
    func duplicateInOneBatch(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let results = try await store.append([Fixture.event("e1"), Fixture.event("e1", at: 9), Fixture.event("e2")])
            #expect(results.sequences == [1, nil, 2])
            let inbox = try await store.recover().unappliedInbox
            #expect(inbox.map(\.input) == [Fixture.event("e1"), Fixture.event("e2")])
        }
    }

    @Test("an event id seen in an earlier batch is a duplicate", arguments: StoreKind.allCases)
    func duplicateAcrossBatches(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            _ = try await store.append([Fixture.event("e1")])
            #expect(try await store.append([Fixture.event("e1"), Fixture.event("e3")]).sequences == [nil, 2])
            // Still a duplicate after its effects are committed and the inbox moved on.
            try await store.commit(ShardCommit(appliedInboxSequence: 2))
            #expect(try await store.append([Fixture.event("e3"), Fixture.event("e1")]).sequences == [nil, nil])
        }
    }

    @Test("an id is an event of one customer: another customer's event with the same id is a new event", arguments: StoreKind.allCases)
    func idsAreOneCustomersEvents(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let results = try await store.append([
                Fixture.event("7", customer: "alice"), Fixture.event("7", customer: "bob"), Fixture.event("7", customer: "alice"),
                // A key that spells another pair's key if customer and id were simply joined.
                Fixture.event("b/7", customer: "alice"), Fixture.event("7", customer: "alice/b"),
            ])
            #expect(results.sequences == [1, 2, nil, 3, 4])
            #expect(try await store.append([Fixture.event("7", customer: "bob")]).sequences == [nil])
        }
    }

    @Test("events without an id and profile changes are never de-duplicated", arguments: StoreKind.allCases)
    func noIDNoDeduplication(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let inputs = [Fixture.event(nil), Fixture.event(nil), Fixture.profileChange("bob"), Fixture.profileChange("bob")]
            let results = try await store.append(inputs)
            #expect(results.sequences == [1, 2, 3, 4])
        }
    }

    @Test("recovery returns only inbox entries after the applied sequence, which never goes back", arguments: StoreKind.allCases)
    func unappliedInbox(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let inputs = (1...5).map { Fixture.event("e\($0)", at: Double($0)) }
            _ = try await store.append(inputs)
            try await store.commit(ShardCommit(appliedInboxSequence: 3))
            var inbox = try await store.recover().unappliedInbox
            #expect(inbox == [InboxEntry(sequence: 4, input: inputs[3]), InboxEntry(sequence: 5, input: inputs[4])])

            try await store.commit(ShardCommit(appliedInboxSequence: 2))
            inbox = try await store.recover().unappliedInbox
            #expect(inbox.map(\.sequence) == [4, 5])

            try await store.commit(ShardCommit(snapshots: [Fixture.customer("alice")]))
            #expect(try await store.recover().unappliedInbox.map(\.sequence) == [4, 5])

            try await store.commit(ShardCommit(appliedInboxSequence: 5))
            #expect(try await store.recover().unappliedInbox.isEmpty)
            #expect(try await store.append([Fixture.event("e6")]).sequences == [6])
            #expect(try await store.recover().unappliedInbox.map(\.sequence) == [6])
        }
    }

    @Test("snapshots are stored, replaced, read several at once and listed in id order", arguments: StoreKind.allCases)
    func snapshots(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            #expect(try await store.customer("alice") == nil)
            #expect(try await store.customerIDs().isEmpty)
            try await store.commit(ShardCommit(snapshots: [Fixture.customer("carol"), Fixture.customer("alice")]))
            #expect(try await store.customer("alice") == Fixture.customer("alice"))
            try await store.commit(ShardCommit(snapshots: [Fixture.customer("alice", tier: "silver"), Fixture.customer("bob")]))
            #expect(try await store.customer("alice") == Fixture.customer("alice", tier: "silver"))
            #expect(try await store.customerIDs() == ["alice", "bob", "carol"])
            #expect(try await store.customer("nobody") == nil)
            let several = try await store.customers(["carol", "nobody", "alice"])
            #expect(several == ["alice": Fixture.customer("alice", tier: "silver"), "carol": Fixture.customer("carol")])
            #expect(try await store.customers([]).isEmpty)
        }
    }

    @Test("pending timers recover ordered by due, customer and token", arguments: StoreKind.allCases)
    func timersOrdered(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.commit(ShardCommit(timersSet: [
                Fixture.timer("bob", 2, due: 20), Fixture.timer("alice", 5, due: 10), Fixture.timer("alice", 30, due: 20),
                Fixture.timer("carol", 1, due: 5), Fixture.timer("alice", 9, due: 20),
            ]))
            #expect(try await store.recover().pendingTimers == [
                Fixture.timer("carol", 1, due: 5), Fixture.timer("alice", 5, due: 10), Fixture.timer("alice", 9, due: 20),
                Fixture.timer("alice", 30, due: 20), Fixture.timer("bob", 2, due: 20),
            ])

            // Deleting a missing timer is no error; setting an existing key replaces it.
            try await store.commit(ShardCommit(
                timersSet: [Fixture.timer("alice", 5, due: 30, journey: "winback")],
                timersDeleted: [TimerKey(customerID: "alice", token: 9), TimerKey(customerID: "zed", token: 1)]))
            #expect(try await store.recover().pendingTimers == [
                Fixture.timer("carol", 1, due: 5), Fixture.timer("alice", 30, due: 20), Fixture.timer("bob", 2, due: 20),
                Fixture.timer("alice", 5, due: 30, journey: "winback"),
            ])
        }
    }

    @Test("a timer deleted and set in one commit ends set", arguments: StoreKind.allCases)
    func deleteThenSet(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.commit(ShardCommit(timersSet: [Fixture.timer("alice", 1, due: 10)]))
            try await store.commit(ShardCommit(
                timersSet: [Fixture.timer("alice", 1, due: 50)], timersDeleted: [TimerKey(customerID: "alice", token: 1)]))
            #expect(try await store.recover().pendingTimers == [Fixture.timer("alice", 1, due: 50)])
        }
    }

    @Test("an empty store recovers nothing", arguments: StoreKind.allCases)
    func emptyStore(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.commit(ShardCommit())
            let recovery = try await store.recover()
            #expect(recovery.pendingTimers.isEmpty && recovery.unappliedInbox.isEmpty && recovery.journeyVersions.isEmpty)
            #expect(try await store.outboxCounts().isEmpty)
            #expect(try await store.dueOutbox(now: Fixture.at(1e9), limit: 10).isEmpty)
            #expect(try await store.recentActions(of: "alice", limit: 10).isEmpty)
        }
    }
}
