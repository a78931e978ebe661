import GRDB

/// A row of `seen_events`: the id of an event already accepted by this shard.
struct SeenEventRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "seen_events"

    var id: String

    /// Records `id` and says whether it was new.
    ///
    /// `ON CONFLICT DO NOTHING` plus the change count makes the check and the
    /// insert one statement, inside the transaction that appends to the inbox:
    /// an id is marked seen exactly when its input is durably accepted, never
    /// one without the other.
    static func insertIfNew(_ id: String, _ db: Database) throws -> Bool {
        try db.cachedStatement(sql: "INSERT INTO seen_events (id) VALUES (?) ON CONFLICT (id) DO NOTHING")
            .execute(arguments: [id])
        return db.changesCount > 0
    }
}
