import GRDB

/// The single row of `shard_meta`: the shard's counters and identity.
///
/// The counters live here rather than being derived from `MAX(...)` of their
/// tables because those tables are pruned: the next inbox sequence must follow
/// the last one ever assigned, not the last one still stored.
struct ShardMetaRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "shard_meta"

    enum CodingKeys: String, CodingKey {
        case id
        case appliedInboxSequence = "applied_inbox_sequence"
        case lastInboxSequence = "last_inbox_sequence"
        case lastOutboxPosition = "last_outbox_position"
        case shardIndex = "shard_index"
    }

    var id: Int64 = 1
    /// The inbox sequence of the last input whose effects are committed; never goes down.
    var appliedInboxSequence: Int64
    /// The last inbox sequence handed out. Sequences are gapless: the next is this plus one.
    var lastInboxSequence: Int64
    /// The position of the last outbox row inserted: delivery order.
    var lastOutboxPosition: Int64
    /// The shard this file belongs to, recorded on first open from a data directory.
    var shardIndex: Int?

    /// The row; the v1 migration inserts it, so its absence means a damaged file.
    ///
    /// Every commit and inbox append reads it and writes it back, so both go through
    /// cached statements and plain column reads: the query interface built the SQL
    /// and `Codable` decoded the row each time, 6% of a commit's CPU in a profile.
    static func fetch(_ db: Database) throws -> ShardMetaRow {
        let statement = try db.cachedStatement(sql: """
            SELECT applied_inbox_sequence, last_inbox_sequence, last_outbox_position, shard_index
            FROM shard_meta WHERE id = 1
            """)
        guard let row = try Row.fetchOne(statement) else {
            throw StorageError(
                code: .corruptDatabase, message: "the shard_meta row is missing",
                context: StorageError.Context(record: "shard_meta"))
        }
        return ShardMetaRow(appliedInboxSequence: row[0], lastInboxSequence: row[1], lastOutboxPosition: row[2], shardIndex: row[3])
    }

    /// Writes the counters back (the shard index is written only by ``claim(shard:_:)``).
    func updateCounters(_ db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE shard_meta SET applied_inbox_sequence = ?, last_inbox_sequence = ?, last_outbox_position = ?
            WHERE id = 1
            """).execute(arguments: [appliedInboxSequence, lastInboxSequence, lastOutboxPosition])
    }

    /// Records `shard` as this file's shard the first time, and refuses a file
    /// that belongs to another shard: its customers would hash elsewhere.
    static func claim(shard: Int, _ db: Database) throws {
        var meta = try fetch(db)
        switch meta.shardIndex {
        case nil:
            meta.shardIndex = shard
            try meta.update(db)
        case shard?:
            break
        case let other?:
            throw StorageError(
                code: .shardMismatch,
                message: "this file holds shard \(other), not shard \(shard); shard files cannot be moved between slots")
        }
    }
}
