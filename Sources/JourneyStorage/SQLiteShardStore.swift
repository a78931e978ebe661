import Foundation
import GRDB
import JourneyRuntime

/// The durable ``ShardStore``: one SQLite file per shard, through GRDB.
///
/// A file store wraps a `DatabasePool`, which runs SQLite in WAL
/// (write-ahead log) mode: a commit appends to the log instead of rewriting
/// pages in place, readers (recovery, the outbox relay's polls, profile
/// look-ups) read the last committed state without waiting for the writer, and
/// the writer never waits for readers. A shard has one writer, its engine, so
/// SQLite's single-writer rule costs nothing.
///
/// Every method is one transaction run with GRDB's async API: the calling task
/// suspends while GRDB's serial queue does the I/O, so no thread of the
/// cooperative pool blocks on disk. The semantics are those of
/// ``InMemoryShardStore``, and a shared conformance suite checks both.
///
/// Opening (``init(path:shard:options:)``) is synchronous, like GRDB's
/// `AppDatabase`: it opens the file and runs the migrations once, at startup.
public final class SQLiteShardStore: ShardStore, Sendable {
    /// The connection(s): a `DatabasePool` for a file, a `DatabaseQueue` in memory.
    let writer: any DatabaseWriter
    /// Copies the write-ahead log into the file beside the writer (a file store only).
    let checkpointer: WALCheckpointer?
    public let options: Options
    /// Path and shard, added to every error this store throws.
    let context: StorageError.Context

    /// Opens (creating if needed) the shard file at `path` in WAL mode and
    /// migrates it to the current schema.
    ///
    /// - Parameter shard: the shard this file belongs to. The first open records
    ///   it in the file; a later open with another index fails with
    ///   ``StorageError/Code/shardMismatch``. `nil` skips the check.
    public convenience init(path: String, shard: Int? = nil, options: Options = Options()) throws {
        let context = StorageError.Context(path: path, shard: shard)
        let pool: DatabasePool
        let checkpointer: WALCheckpointer
        do {
            let configuration = Self.configuration(options, context: context)
            pool = try DatabasePool(path: path, configuration: configuration)
            var checkpointing = configuration
            checkpointing.label = configuration.label.map { "\($0).checkpoint" }
            checkpointer = try WALCheckpointer(path: path, configuration: checkpointing, options: options)
            // Turning WAL on, GRDB sets `synchronous = NORMAL` on the writer after
            // `prepareDatabase` ran: set the chosen level again, last, where it matters.
            try checkpointer.install(on: pool, after: options.pragmas)
        } catch {
            throw StorageError.wrapping(error, context: context.with(operation: "open"))
        }
        try self.init(writer: pool, checkpointer: checkpointer, shard: shard, options: options, context: context)
    }

    /// A store in memory (a `DatabaseQueue`), with the real schema and SQL:
    /// for tests that want SQLite's behaviour without a file.
    public static func inMemory(options: Options = Options()) throws -> SQLiteShardStore {
        let context = StorageError.Context(path: ":memory:")
        do {
            let queue = try DatabaseQueue(configuration: configuration(options, context: context))
            return try SQLiteShardStore(writer: queue, checkpointer: nil, shard: nil, options: options, context: context)
        } catch {
            throw StorageError.wrapping(error, context: context.with(operation: "open"))
        }
    }

    init(writer: any DatabaseWriter, checkpointer: WALCheckpointer?, shard: Int?, options: Options, context: StorageError.Context) throws {
        self.writer = writer
        self.checkpointer = checkpointer
        self.options = options
        self.context = context
        do {
            try ShardSchema.migrator.migrate(writer)
        } catch {
            throw StorageError.wrapping(error, context: context.with(operation: "migrate"))
        }
        guard let shard else { return }
        do {
            try writer.write { db in try ShardMetaRow.claim(shard: shard, db) }
        } catch {
            throw StorageError.wrapping(error, context: context.with(operation: "open"))
        }
    }

    /// Closes the file. Call it at shutdown, after the last operation returned;
    /// any later call fails. Dropping the last reference closes the file too.
    public func close() throws {
        // The writer is closed even when the log's copier fails to close: a shard being shut
        // down must not keep its file open. The first failure is the one reported.
        var failure: (any Error)?
        do { try checkpointer?.close() } catch { failure = error }
        do { try writer.close() } catch { failure = failure ?? error }
        if let failure { throw StorageError.wrapping(failure, context: context.with(operation: "close")) }
    }

    /// The file (`:memory:` for an in-memory store).
    public var path: String { context.path ?? ":memory:" }

    /// How many copies of the write-ahead log ran where; nil for a store in memory.
    /// For diagnostics and the store benchmark.
    public var checkpointCounts: WALCheckpointer.Counts? { checkpointer?.counts }

    private static func configuration(_ options: Options, context: StorageError.Context) -> Configuration {
        var configuration = Configuration()
        configuration.label = context.shard.map { String(format: "waymark.shard-%04d", $0) } ?? "waymark.shard"
        let pragmas = options.pragmas
        // The pragmas are per connection: set them on every connection opened.
        configuration.prepareDatabase { db in try db.execute(sql: pragmas) }
        return configuration
    }
}

// MARK: - Transactions

extension SQLiteShardStore {
    /// Runs `body` in one write transaction (committed when it returns, rolled
    /// back if it throws), with one ``BlobCoder`` for the whole transaction.
    func write<Value: Sendable>(
        _ operation: String, record: String? = nil,
        _ body: @Sendable (Database, BlobCoder) throws -> Value
    ) async throws -> Value {
        do {
            return try await writer.write { db in try body(db, BlobCoder()) }
        } catch {
            throw StorageError.wrapping(error, context: context.with(operation: operation, record: record))
        }
    }

    /// Like ``write(_:record:_:)``, except that in a file store that syncs every commit
    /// (``Options/Synchronous/full``) this commit does not wait for the disk. The log is
    /// written in order, so the next synced commit's sync carries it to the disk too.
    ///
    /// Only for records whose loss in a power cut is safe because what they record would
    /// be done again: a delivery outcome (the send goes out again with the same
    /// idempotency key, as after any crash between a delivery and its record). Their syncs
    /// were most of a busy node's (61% in the node benchmark), each one holding the writer.
    func writeWithoutSync<Value: Sendable>(
        _ operation: String, record: String? = nil,
        _ body: @escaping @Sendable (Database, BlobCoder) throws -> Value
    ) async throws -> Value {
        guard options.synchronous == .full, writer is DatabasePool else { return try await write(operation, record: record, body) }
        do {
            return try await writer.writeWithoutTransaction { db in
                // The level can only change between transactions.
                try db.execute(sql: Options.Synchronous.normal.pragma)
                let result = Result { () throws -> Value in
                    var value: Value?
                    try db.inTransaction {
                        value = try body(db, BlobCoder())
                        return .commit
                    }
                    return value!
                }
                Self.restoreFullSync(db)
                return try result.get()
            }
        } catch {
            throw StorageError.wrapping(error, context: context.with(operation: operation, record: record))
        }
    }

    /// Puts the writer back to syncing every commit. Setting the level outside a transaction
    /// does not fail in practice; if it ever did, the process stops rather than go on
    /// acknowledging events that a power cut could take back.
    private static func restoreFullSync(_ db: Database) {
        do {
            try db.execute(sql: Options.Synchronous.full.pragma)
        } catch {
            fatalError("could not set synchronous = FULL again on the shard writer: \(error)")
        }
    }

    /// Runs `body` on a consistent snapshot of the last committed state; in WAL
    /// mode it runs beside the writer without waiting for it.
    func read<Value: Sendable>(
        _ operation: String, record: String? = nil,
        _ body: @Sendable (Database, BlobCoder) throws -> Value
    ) async throws -> Value {
        do {
            return try await writer.read { db in try body(db, BlobCoder()) }
        } catch {
            throw StorageError.wrapping(error, context: context.with(operation: operation, record: record))
        }
    }
}
