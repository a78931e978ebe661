import Foundation
import GRDB
import JourneyRuntime
import Testing

@testable import JourneyStorage

/// Behaviour only a real file has: durability across reopening, pragmas,
/// atomic commits, typed errors for damaged data.
@Suite("SQLiteShardStore")
struct SQLiteShardStoreTests {
    @Test("everything committed survives closing and reopening the file")
    func survivesReopen() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shard.sqlite").path
            let inputs = [Fixture.event("e1"), Fixture.event("e2"), Fixture.event("e3")]
            let first = try SQLiteShardStore(path: path)
            _ = try await first.append(inputs)
            try await first.commit(ShardCommit(
                snapshots: [Fixture.customer("alice")], timersSet: [Fixture.timer("alice", 7, due: 3_600)],
                outbox: [Fixture.message("k1"), Fixture.message("k2")], appliedInboxSequence: 2,
                actions: [Fixture.action("alice", step: "remind")]))
            try await first.updateOutbox([OutboxUpdate(idempotencyKey: "k1", status: .delivered, attempts: 1, nextAttemptAt: Fixture.at(1))])
            try await first.saveJourneyVersion(Fixture.journeyVersion("cart", version: 1))
            try first.close()

            let second = try SQLiteShardStore(path: path)
            let recovery = try await second.recover()
            #expect(recovery.pendingTimers == [Fixture.timer("alice", 7, due: 3_600)])
            #expect(recovery.unappliedInbox == [InboxEntry(sequence: 3, input: inputs[2])])
            #expect(recovery.journeyVersions == [Fixture.journeyVersion("cart", version: 1)])
            #expect(try await second.customer("alice") == Fixture.customer("alice"))
            #expect(try await second.dueOutbox(now: Fixture.at(10), limit: 10).map(\.message) == [Fixture.message("k2")])
            #expect(try await second.outboxCounts() == [.pending: 1, .delivered: 1])
            #expect(try await second.recentActions(of: "alice", limit: 5) == [Fixture.action("alice", step: "remind")])
            // Seen ids and the sequence counter survive too, although applied inbox rows were pruned.
            #expect(try await second.append([Fixture.event("e1"), Fixture.event("e4")]).sequences == [nil, 4])
            try second.close()
        }
    }

    @Test("an event id a store recorded before ids were keyed by customer is still a duplicate, for any customer")
    func bareIDsFromOlderStoresStillCount() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shard.sqlite").path
            try SQLiteShardStore(path: path).close()
            // As an older Waymark wrote it: the id alone.
            try await DatabaseQueue(path: path).write { try $0.execute(sql: "INSERT INTO seen_events (id) VALUES ('e1')") }
            let store = try SQLiteShardStore(path: path)
            #expect(try await store.append([Fixture.event("e1", customer: "bob"), Fixture.event("e2", customer: "bob"), Fixture.event("e2", customer: "carol")]).sequences == [nil, 1, 2])
            try store.close()
        }
    }

    @Test("a commit that fails part-way leaves nothing behind")
    func commitIsAtomic() async throws {
        let store = try SQLiteShardStore.inMemory()
        var unencodable = Fixture.message("k2")
        unencodable.data = .number(.nan)  // JSON has no NaN: encoding fails after the snapshot and timer were written.
        let error = await #expect(throws: StorageError.self) {
            try await store.commit(ShardCommit(
                snapshots: [Fixture.customer("alice")], timersSet: [Fixture.timer("alice", 1, due: 5)],
                outbox: [Fixture.message("k1"), unencodable], appliedInboxSequence: 1))
        }
        #expect(error?.code == .encodingFailed)
        #expect(error?.context.operation == "commit" && error?.context.record == "k2")
        #expect(try await store.customer("alice") == nil)
        #expect(try await store.recover().pendingTimers.isEmpty)
        #expect(try await store.outboxCounts().isEmpty)
        // The outbox position did not advance either: the next send is still first.
        try await store.commit(ShardCommit(outbox: [Fixture.message("k3")]))
        #expect(try await store.allOutbox().map(\.message.idempotencyKey) == ["k3"])
    }

    @Test("the synchronous option sets PRAGMA synchronous on every connection", arguments: SQLiteShardStore.Options.Synchronous.allCases)
    func synchronousPragma(mode: SQLiteShardStore.Options.Synchronous) async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteShardStore(
                path: directory.appendingPathComponent("shard.sqlite").path, options: .init(synchronous: mode))
            let expected = mode == .full ? 2 : 1  // SQLite's numbering: OFF 0, NORMAL 1, FULL 2.
            let onWriter = try await store.writerSynchronousLevel()
            let onReader = try await store.writer.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
            let journal = try await store.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
            #expect(onWriter == expected)
            #expect(onReader == expected)
            #expect(journal == "wal")
            try store.close()
        }
    }

    @Test("FULL is the default")
    func fullByDefault() {
        #expect(SQLiteShardStore.Options().synchronous == .full)
        #expect(SQLiteShardStore.Options().actionHistoryLimit == 100)
        #expect(SQLiteShardStore.Options().checkpointPages == 10_000)
    }

    @Test("checkpointPages sets the checkpointer's limits, journal_size_limit on the writer and wal_autocheckpoint on readers")
    func checkpointPragmas() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteShardStore(
                path: directory.appendingPathComponent("shard.sqlite").path, options: .init(synchronous: .normal, checkpointPages: 300))
            let onWriter = try await store.writer.writeWithoutTransaction { db in
                (try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint"), try Int.fetchOne(db, sql: "PRAGMA journal_size_limit"))
            }
            let onReader = try await store.writer.read { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") }
            let synchronous = try await store.writerSynchronousLevel()
            // On the writer, the checkpointer's log hook replaced SQLite's automatic checkpoint.
            #expect(onWriter.0 == 0)
            #expect(store.checkpointer?.softLimit == 300)
            #expect(store.checkpointer?.hardLimit == 300 * SQLiteShardStore.Options.commitCheckpointFactor)
            #expect(onWriter.1 == 300 * 4096)
            #expect(onReader == 300)
            #expect(synchronous == 1)
            try store.close()
        }
    }

    /// The log grows to about `checkpointPages` between checkpoints and no further:
    /// the same commits leave a small log with a small setting and a large one with a large setting.
    @Test("the write-ahead log stays near checkpointPages", arguments: [(40, false), (100_000, true)])
    func logSize(pages: Int, grows: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shard.sqlite").path
            let store = try SQLiteShardStore(path: path, options: .init(synchronous: .normal, checkpointPages: pages))
            let blob = String(repeating: "x", count: 2_000)
            for batch in 0..<40 {
                let snapshots = (0..<50).map { index in
                    CustomerState(customerID: "c\(batch)-\(index)", profile: Profile(attributes: ["note": .string(blob)]))
                }
                try await store.commit(ShardCommit(snapshots: snapshots))
            }
            let logBytes = try #require(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
            // 2,000 snapshots of 2 KB: over 2,000 log pages written in all (9 MB), 50-60 per commit.
            if grows {
                #expect(logBytes > 8_000_000)
            } else {
                #expect(logBytes < (40 + 200) * 4_200)
            }
            try store.close()
        }
    }

    @Test("a snapshot that no longer decodes is a typed error naming the customer and file")
    func unreadableSnapshot() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shard.sqlite").path
            let store = try SQLiteShardStore(path: path, shard: 3)
            try await store.commit(ShardCommit(snapshots: [Fixture.customer("alice")]))
            try await store.writer.write { try $0.execute(sql: "UPDATE customers SET snapshot = x'7b7d' WHERE id = 'alice'") }
            let error = await #expect(throws: StorageError.self) { try await store.customer("alice") }
            #expect(error?.code == .unreadableSnapshot)
            #expect(error?.context == StorageError.Context(path: path, shard: 3, operation: "customer", record: "alice"))
            #expect(error?.cause is DecodingError)
            try store.close()
        }
    }

    @Test("a file that is not a database is refused with a typed error, not a bare GRDB error")
    func notADatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shard.sqlite").path
            try Data(String(repeating: "definitely not SQLite\n", count: 400).utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StorageError.self) { try SQLiteShardStore(path: path, shard: 0) }
            #expect(error?.code == .corruptDatabase)
            #expect(error?.context.path == path)
            #expect(error?.cause is DatabaseError)
        }
    }

    @Test("the relay's poll and recovery read their indexes instead of sorting the table")
    func queryPlans() async throws {
        let store = try SQLiteShardStore.inMemory()
        func plan(_ sql: String) async throws -> String {
            try await store.writer.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        let due = try await plan("SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= 1 ORDER BY position LIMIT 10")
        #expect(due.contains("outbox_pending") && !due.contains("TEMP B-TREE"), "\(due)")
        let timers = try await plan("SELECT * FROM timers ORDER BY due, customer_id, token")
        #expect(timers.contains("timers_by_due") && !timers.contains("TEMP B-TREE"), "\(timers)")
    }

    @Test("errors print their code, message and context")
    func errorDescription() {
        let error = StorageError(
            code: .shardCountMismatch, message: "created with 8 shards, 16 requested",
            context: StorageError.Context(path: "/data/waymark.json", shard: 2, operation: "open"))
        #expect(error.description == "shardCountMismatch: created with 8 shards, 16 requested (path: /data/waymark.json, shard: 2, operation: open)")
    }
}
