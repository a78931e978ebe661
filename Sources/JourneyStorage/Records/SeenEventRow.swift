import GRDB

/// A row of `seen_events`: an event already accepted by this shard, as its customer's
/// event (``InboxInput/deduplicationKey``). Rows written before events were keyed by
/// customer hold the bare id.
struct SeenEventRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "seen_events"

    var id: String

    /// Records `key` and says whether the event was new: neither its key nor, as older
    /// stores wrote it, its bare `legacyID` is there yet.
    ///
    /// `ON CONFLICT DO NOTHING` plus the change count makes the check and the
    /// insert one statement, inside the transaction that appends to the inbox:
    /// an event is marked seen exactly when its input is durably accepted, never
    /// one without the other.
    static func insertIfNew(_ key: String, legacyID: String, _ statement: Statement, _ db: Database) throws -> Bool {
        try statement.execute(arguments: [key, legacyID])
        return db.changesCount > 0
    }

    /// The statement of ``insertIfNew(_:legacyID:_:_:)``, looked up once per append (see `SQLiteShardStore.commit`).
    static func insertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: """
            INSERT INTO seen_events (id) SELECT ? WHERE NOT EXISTS (SELECT 1 FROM seen_events WHERE id = ?)
            ON CONFLICT (id) DO NOTHING
            """)
    }
}
