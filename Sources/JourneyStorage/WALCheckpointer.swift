import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies a shard's write-ahead log into its database file on a connection of its own, so
/// that commits do not wait for the copy.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the log past its
/// threshold. That commit, and every inbox append and commit queued behind it on the shard's
/// one writer, waits while thousands of pages are copied and the file is synced: a stall
/// of tens to hundreds of milliseconds, during which the node acknowledges nothing on that
/// shard. In the node benchmark they were much of the latency tail: p99 was 33–193 ms in
/// three runs, and 30–33 ms in three runs with the threshold set out of reach.
///
/// Here the writer's log hook, which replaces the automatic checkpoint, only looks at the
/// log's length after each commit. Past ``softLimit`` frames it asks the checkpoint
/// connection to copy what is there. That copy is PASSIVE: it runs beside the writer and the
/// readers and blocks neither. The log can start over from its beginning only once every
/// frame in it has been copied, and commits go on during the copy; so the first commit after
/// a copy copies the few frames committed meanwhile itself (a catch-up), and the next commit
/// starts the log over. Should the log reach ``hardLimit`` all the same (copies failing, or
/// the checkpoint connection falling behind), the commit copies the rest itself, as SQLite
/// would have: the log stays bounded.
///
/// Public so that a plain GRDB pool can copy its log the same way: the store benchmark's
/// raw baseline does, so that its ratio compares like with like.
public final class WALCheckpointer: Sendable {
    /// How many checkpoints ran where; for tests and diagnostics.
    public struct Counts: Sendable, Equatable {
        /// Copies on the checkpoint connection that completed.
        public var background = 0
        /// Copies a commit made of the frames committed during a background copy.
        public var catchUp = 0
        /// Copies a commit made because the log reached the hard limit.
        public var forced = 0
        /// Copies that did not complete (the other side was copying, or an error).
        public var failed = 0
    }

    /// Log frames (pages) after a commit that start a copy on the checkpoint connection.
    public let softLimit: Int
    /// Log frames after a commit at which the commit copies the log itself.
    public let hardLimit: Int
    private let connection: DatabaseQueue
    /// Whether a copy is queued or running; commits meanwhile do not queue another.
    private let copyQueued = Atomic<Bool>(false)
    /// Whether a background copy finished and the next commit should copy what it missed.
    private let catchUpDue = Atomic<Bool>(false)
    private let tally = Mutex(Counts())

    /// Opens the checkpoint connection to the file at `path`.
    public init(path: String, configuration: Configuration, softLimit: Int, hardLimit: Int) throws {
        self.softLimit = softLimit
        self.hardLimit = max(hardLimit, softLimit)
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Opens the checkpoint connection with the limits a store with `options` uses:
    /// ``SQLiteShardStore/Options/checkpointPages`` and
    /// ``SQLiteShardStore/Options/commitCheckpointFactor`` times it.
    public convenience init(path: String, configuration: Configuration, options: SQLiteShardStore.Options) throws {
        try self.init(
            path: path, configuration: configuration, softLimit: options.checkpointPages,
            hardLimit: options.checkpointPages * SQLiteShardStore.Options.commitCheckpointFactor)
    }

    public var counts: Counts { tally.withLock { $0 } }

    /// Runs `pragmas` on the writer of `pool`, then replaces its automatic checkpoint with
    /// this checkpointer. In that order: a `wal_autocheckpoint` pragma run after the hook
    /// went in would replace it.
    ///
    /// The hook holds an unowned reference: whoever owns the pool (the store) must keep this
    /// object alive for as long as anything can commit, and close it before the pool.
    public func install(on pool: DatabasePool, after pragmas: String) throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: pragmas)
            sqlite3_wal_hook(db.sqliteConnection, walHook, Unmanaged.passUnretained(self).toOpaque())
        }
    }

    /// Called on the writer's thread after each commit with the log's length in frames.
    fileprivate func committed(frames: Int, writer: OpaquePointer?) {
        if frames >= hardLimit {
            copyInCommit(writer, \.forced)
        } else if catchUpDue.exchange(false, ordering: .acquiringAndReleasing) {
            copyInCommit(writer, \.catchUp)
        } else if frames >= softLimit, !copyQueued.exchange(true, ordering: .acquiringAndReleasing) {
            connection.asyncWriteWithoutTransaction { [self] db in
                let copied = (try? db.checkpoint(.passive)) != nil
                tally.withLock {
                    if copied { $0.background += 1 } else { $0.failed += 1 }
                }
                if copied { catchUpDue.store(true, ordering: .releasing) }
                copyQueued.store(false, ordering: .releasing)
            }
        }
    }

    /// Copies the frames not yet copied on the writer's connection, as SQLite's automatic checkpoint does.
    private func copyInCommit(_ writer: OpaquePointer?, _ kind: WritableKeyPath<Counts, Int>) {
        let code = sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        tally.withLock {
            if code == SQLITE_OK { $0[keyPath: kind] += 1 } else { $0.failed += 1 }
        }
    }

    /// Returns once the copy queued when this was called (if any) has finished.
    public func waitForQueuedCopy() {
        connection.writeWithoutTransaction { _ in }
    }

    /// Waits for a queued copy, then closes the checkpoint connection. Call it before closing
    /// the writer, so that the writer's connection is the last and its close checkpoints
    /// and removes the log.
    public func close() throws {
        try connection.close()
    }
}

/// SQLite's log hook: reads the checkpointer from the context pointer. Must return `SQLITE_OK`.
private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
    context, db, _, frames in
    if let context {
        Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(frames: Int(frames), writer: db)
    }
    return SQLITE_OK
}
