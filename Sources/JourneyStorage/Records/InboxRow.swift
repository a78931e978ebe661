import Foundation
import GRDB
import JourneyRuntime

/// A row of `inbox`: one accepted input waiting for its effects to commit.
struct InboxRow: FetchableRecord {
    var sequence: Int64
    var customerID: String
    var payload: Data
    var acceptedAt: Double

    /// The columns every read selects, in the order ``init(row:)`` reads them.
    static let selection = "sequence, customer_id, payload, accepted_at"

    /// Reads a row of ``selection`` by position, not through `Decodable` by column name: a
    /// shard that stopped with a backlog reads all of it when it recovers (see `TimerRow`).
    init(row: Row) throws {
        sequence = try row.decode(Int64.self, atIndex: 0)
        customerID = try row.decode(String.self, atIndex: 1)
        payload = try row.decode(Data.self, atIndex: 2)
        acceptedAt = try row.decode(Double.self, atIndex: 3)
    }

    init(_ entry: InboxEntry, _ coder: BlobCoder) throws {
        sequence = entry.sequence
        customerID = entry.input.customerID
        payload = try coder.encode(entry.input.payload, as: "inbox input", key: "#\(entry.sequence)")
        acceptedAt = entry.input.acceptedAt.storedSeconds
    }

    func entry(_ coder: BlobCoder) throws -> InboxEntry {
        let payload = try coder.decode(InboxInput.Payload.self, from: payload, as: "inbox input", key: "#\(sequence)")
        return InboxEntry(sequence: sequence, input: InboxInput(payload: payload, acceptedAt: Date(storedSeconds: acceptedAt)))
    }

    /// Appends `entry`. A cached statement rather than the record's own `insert`: GRDB's
    /// `Codable` persistence and its insert-and-fetch cost a tenth of a node's CPU under ingest.
    static func append(_ entry: InboxEntry, _ statement: Statement, _ coder: BlobCoder) throws {
        let row = try InboxRow(entry, coder)
        try statement.execute(arguments: [row.sequence, row.customerID, row.payload, row.acceptedAt])
    }

    /// The statement of ``append(_:_:_:)``, looked up once per append (see `SQLiteShardStore.commit`).
    static func appendStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "INSERT INTO inbox (sequence, customer_id, payload, accepted_at) VALUES (?, ?, ?, ?)")
    }

    /// Entries after `sequence`, in inbox order.
    static func entries(after sequence: Int64, _ db: Database, _ coder: BlobCoder) throws -> [InboxEntry] {
        try InboxRow.fetchAll(db, sql: "SELECT \(selection) FROM inbox WHERE sequence > ? ORDER BY sequence", arguments: [sequence])
            .map { try $0.entry(coder) }
    }

    /// Drops entries whose effects are committed. Nothing can ask for them any
    /// more (recovery reads only entries after the applied sequence), and the
    /// sequence counter lives in `shard_meta`, so numbering never restarts.
    static func prune(through sequence: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM inbox WHERE sequence <= ?").execute(arguments: [sequence])
    }
}
