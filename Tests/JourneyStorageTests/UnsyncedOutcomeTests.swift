import Foundation
import GRDB
import JourneyRuntime
import Testing

@testable import JourneyStorage

/// Delivery outcomes commit without a sync of their own (the next synced commit carries
/// them), and the writer goes back to syncing every commit whatever happened.
@Suite("SQLiteShardStore: unsynced outcome records")
struct UnsyncedOutcomeTests {
    @Test("an outcome commits at NORMAL on a FULL store, which syncs every commit again after it")
    func outcomesSkipTheirSync() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shard.sqlite").path
            let store = try SQLiteShardStore(path: path)
            try await store.commit(ShardCommit(outbox: [Fixture.message("k1"), Fixture.message("k2")]))
            let during = try await store.writeWithoutSync("probe") { db, _ in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(during == 1)
            try await store.updateOutbox([OutboxUpdate(idempotencyKey: "k1", status: .delivered, attempts: 1, nextAttemptAt: Fixture.at(1))])
            #expect(try await store.writerSynchronousLevel() == 2, "acknowledged events would no longer be synced")
            try store.close()

            let reopened = try SQLiteShardStore(path: path)
            #expect(try await reopened.outboxCounts() == [.pending: 1, .delivered: 1])
            try reopened.close()
        }
    }

    struct Refused: Error {}

    @Test("an unsynced write that fails rolls back, says where, and leaves the writer at FULL")
    func aFailedWriteRestoresFull() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteShardStore(path: directory.appendingPathComponent("shard.sqlite").path)
            try await store.commit(ShardCommit(outbox: [Fixture.message("k1")]))
            let error = await #expect(throws: StorageError.self) {
                try await store.writeWithoutSync("updateOutbox") { db, _ in
                    try db.execute(sql: "UPDATE outbox SET status = 'delivered'")
                    throw Refused()
                }
            }
            #expect(error?.context.operation == "updateOutbox")
            #expect(try await store.outboxCounts() == [.pending: 1], "the failed write was not rolled back")
            #expect(try await store.writerSynchronousLevel() == 2)
            try store.close()
        }
    }

    @Test("a NORMAL store stays at NORMAL")
    func normalStaysNormal() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteShardStore(path: directory.appendingPathComponent("shard.sqlite").path, options: .init(synchronous: .normal))
            try await store.commit(ShardCommit(outbox: [Fixture.message("k1")]))
            try await store.updateOutbox([OutboxUpdate(idempotencyKey: "k1", status: .delivered, attempts: 1, nextAttemptAt: Fixture.at(1))])
            #expect(try await store.writerSynchronousLevel() == 1)
            try store.close()
        }
    }
}
