import Foundation
import GRDB
import JourneyRuntime
import Testing

@testable import JourneyStorage

/// The write-ahead log is copied into the file beside the writer, starts over, and stays
/// bounded: on real files, with the thresholds made small.
@Suite("WALCheckpointer")
struct WALCheckpointerTests {
    /// Pages the log may hold before a copy starts, in these tests.
    static let pages = 64

    /// Appends `count` batches of events large enough to write several pages each.
    static func appendBatches(_ store: SQLiteShardStore, count: Int, from start: Int = 0, afterEach: () throws -> Void = {}) async throws {
        let padding = String(repeating: "x", count: 3_000)
        for batch in start..<(start + count) {
            let inputs = (0..<8).map { index in
                let event = CustomerEvent(
                    id: "e\(batch)-\(index)", customerID: "c\(batch * 8 + index)", name: "viewed", time: Fixture.at(0),
                    properties: ["padding": .string(padding)])
                return InboxInput(payload: .event(event), acceptedAt: Fixture.at(1))
            }
            _ = try await store.append(inputs)
            try afterEach()
        }
    }

    /// A store on a new file in `directory`, with the small threshold, and its checkpointer.
    static func openStore(in directory: URL) throws -> (store: SQLiteShardStore, checkpointer: WALCheckpointer, path: String) {
        let path = directory.appendingPathComponent("shard.sqlite").path
        let store = try SQLiteShardStore(path: path, options: .init(checkpointPages: pages))
        return (store, try #require(store.checkpointer), path)
    }

    static func logBytes(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
    }

    @Test("a long log is copied on the checkpoint connection, caught up by one commit, and starts over")
    func copiesBesideTheWriter() async throws {
        try await withTemporaryDirectory { directory in
            let (store, checkpointer, path) = try Self.openStore(in: directory)
            // Waiting for each queued copy keeps the checkpoint connection ahead of the writer.
            try await Self.appendBatches(store, count: 60) { checkpointer.waitForQueuedCopy() }
            let counts = checkpointer.counts
            #expect(counts.background >= 2)
            #expect(counts.catchUp >= 2)
            #expect(counts.forced == 0)
            #expect(counts.failed == 0)
            #expect(store.checkpointCounts == counts)
            // 60 batches wrote far more than the hard limit; a log that starts over stays
            // near the soft limit (frames are a page plus a 24-byte header).
            let written = 60 * 8
            #expect(written > checkpointer.hardLimit)
            #expect(try Self.logBytes(path) < checkpointer.hardLimit * 4_120)
            try store.close()

            let reopened = try SQLiteShardStore(path: path)
            #expect(try await reopened.recover().unappliedInbox.count == written)
            try reopened.close()
        }
    }

    @Test("with the log pinned by a reader, a commit at the hard limit copies the log itself")
    func commitCopiesAtTheHardLimit() async throws {
        try await withTemporaryDirectory { directory in
            let (store, checkpointer, path) = try Self.openStore(in: directory)
            try await Self.appendBatches(store, count: 2)
            // A read transaction left open on another connection: no copy can pass its
            // snapshot, so the log cannot start over and grows to the hard limit.
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let reader = try DatabaseQueue(path: path, configuration: configuration)
            try reader.inDatabase { db in
                try db.beginTransaction(.deferred)
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM inbox")
            }
            try await Self.appendBatches(store, count: 60, from: 2) { checkpointer.waitForQueuedCopy() }
            #expect(checkpointer.counts.forced >= 1)
            try reader.inDatabase { db in try db.commit() }
            try reader.close()

            // Released, the log is copied and starts over again.
            let forced = checkpointer.counts.forced
            try await Self.appendBatches(store, count: 60, from: 62) { checkpointer.waitForQueuedCopy() }
            #expect(checkpointer.counts.catchUp >= 1)
            #expect(checkpointer.counts.forced <= forced + 1)
            try store.close()
            let reopened = try SQLiteShardStore(path: path)
            #expect(try await reopened.recover().unappliedInbox.count == 122 * 8)
            try reopened.close()
        }
    }

    @Test("a store in memory has no log and no checkpointer")
    func inMemoryHasNone() throws {
        let store = try SQLiteShardStore.inMemory()
        #expect(store.checkpointer == nil)
        #expect(store.checkpointCounts == nil)
    }

    /// The store benchmark's raw baseline copies its log this way, on a pool of its own.
    @Test("installed on a plain GRDB pool, it copies that pool's log beside the writer")
    func copiesThePlainPoolsLog() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("raw.sqlite").path
            let options = SQLiteShardStore.Options(checkpointPages: Self.pages)
            var configuration = Configuration()
            configuration.prepareDatabase { db in try db.execute(sql: options.pragmas) }
            let pool = try DatabasePool(path: path, configuration: configuration)
            let checkpointer = try WALCheckpointer(path: path, configuration: configuration, options: options)
            #expect(checkpointer.softLimit == Self.pages)
            #expect(checkpointer.hardLimit == Self.pages * SQLiteShardStore.Options.commitCheckpointFactor)
            try checkpointer.install(on: pool, after: options.pragmas)
            try pool.write { db in try db.execute(sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
            let body = Data(repeating: 7, count: 3_000)
            for batch in 0..<60 {
                try pool.write { db in
                    for index in 0..<8 { try db.execute(sql: "INSERT INTO rows VALUES (?, ?)", arguments: [batch * 8 + index, body]) }
                }
                checkpointer.waitForQueuedCopy()
            }
            #expect(checkpointer.counts.background >= 2)
            #expect(checkpointer.counts.catchUp >= 2)
            #expect(checkpointer.counts.forced == 0)
            #expect(try Self.logBytes(path) < checkpointer.hardLimit * 4_120)
            try checkpointer.close()
            try pool.close()
            let reopened = try DatabaseQueue(path: path)
            #expect(try reopened.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM rows") } == 480)
            try reopened.close()
        }
    }
}
