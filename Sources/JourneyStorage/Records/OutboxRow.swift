import Foundation
import GRDB
import JourneyRuntime

/// A row of `outbox`: one send or webhook call and where its delivery stands.
struct OutboxRow: FetchableRecord {
    var idempotencyKey: String
    var position: Int64
    var message: Data
    var status: String
    var attempts: Int
    var nextAttemptAt: Double
    var lastError: String?

    /// The columns every read selects, in the order ``init(row:)`` reads them.
    static let selection = "idempotency_key, position, message, status, attempts, next_attempt_at, last_error"

    /// Reads a row of ``selection`` by position: the relay reads a page of rows per poll, and
    /// GRDB's `Decodable` decoding by column name cost more than the read (see `TimerRow`).
    init(row: Row) throws {
        idempotencyKey = try row.decode(String.self, atIndex: 0)
        position = try row.decode(Int64.self, atIndex: 1)
        message = try row.decode(Data.self, atIndex: 2)
        status = try row.decode(String.self, atIndex: 3)
        attempts = try row.decode(Int.self, atIndex: 4)
        nextAttemptAt = try row.decode(Double.self, atIndex: 5)
        lastError = try row.decode(String?.self, atIndex: 6)
    }

    func entry(_ coder: BlobCoder) throws -> OutboxEntry {
        let message = try coder.decode(OutboundMessage.self, from: message, as: "outbox message", key: idempotencyKey)
        return OutboxEntry(
            message: message, status: try Self.status(status, key: idempotencyKey), attempts: attempts,
            nextAttemptAt: Date(storedSeconds: nextAttemptAt), lastError: lastError)
    }

    static func status(_ text: String, key: String) throws -> OutboxEntry.Status {
        guard let status = OutboxEntry.Status(rawValue: text) else {
            throw StorageError(
                code: .unreadableRecord, message: "unknown outbox status '\(text)'", context: StorageError.Context(record: key))
        }
        return status
    }

    /// Inserts a pending row at `position` unless the key is already there, and
    /// says whether it inserted.
    ///
    /// A replayed input produces the same sends with the same keys; ignoring a
    /// known key keeps the first row (with its delivery status and attempts)
    /// instead of queueing a second delivery. `ON CONFLICT (idempotency_key) DO
    /// NOTHING` is `INSERT OR IGNORE` narrowed to that one conflict: a NOT NULL
    /// or CHECK violation still fails loudly rather than silently dropping a send.
    static func insertIfNew(_ message: OutboundMessage, position: Int64, _ statement: Statement, _ db: Database, _ coder: BlobCoder) throws -> Bool {
        let blob = try coder.encode(message, as: "outbox message", key: message.idempotencyKey)
        try statement.execute(arguments: [message.idempotencyKey, position, blob, message.time.storedSeconds])
        return db.changesCount > 0
    }

    /// The statement of ``insertIfNew(_:position:_:_:_:)``, looked up once per commit (see `SQLiteShardStore.commit`).
    static func insertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: """
            INSERT INTO outbox (idempotency_key, position, message, status, attempts, next_attempt_at, last_error)
            VALUES (?, ?, ?, 'pending', 0, ?, NULL)
            ON CONFLICT (idempotency_key) DO NOTHING
            """)
    }

    /// Pending rows due at `now`, in insertion order. The literal `'pending'`
    /// (not a bound argument) lets SQLite use the partial index `outbox_pending`.
    static func due(now: Date, limit: Int, _ db: Database, _ coder: BlobCoder) throws -> [OutboxEntry] {
        try OutboxRow.fetchAll(db, sql: """
            SELECT \(selection) FROM outbox
            WHERE status = 'pending' AND next_attempt_at <= ?
            ORDER BY position
            LIMIT ?
            """, arguments: [now.storedSeconds, limit]).map { try $0.entry(coder) }
    }

    /// Records one delivery outcome; an unknown key is ignored, as in memory.
    static func apply(_ update: OutboxUpdate, _ statement: Statement) throws {
        try statement.execute(arguments: [
            update.status.rawValue, update.attempts, update.nextAttemptAt.storedSeconds, update.lastError,
            update.idempotencyKey,
        ])
    }

    /// The statement of ``apply(_:_:)``, looked up once per batch of updates (see `SQLiteShardStore.commit`).
    static func applyStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: """
            UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?
            WHERE idempotency_key = ?
            """)
    }

    static func counts(_ db: Database) throws -> [OutboxEntry.Status: Int] {
        var counts: [OutboxEntry.Status: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM outbox GROUP BY status") {
            let text: String = row[0]
            counts[try status(text, key: "status \(text)")] = row[1]
        }
        return counts
    }
}
