import Foundation
import GRDB
import JourneyRuntime

/// A row of `actions`: one ``ActionRecord`` in a customer's recent history.
/// `id` (AUTOINCREMENT, never reused) orders a customer's actions.
struct ActionRow: FetchableRecord {
    var id: Int64
    var customerID: String
    var record: Data

    /// Reads `id, customer_id, record` by position, like the other rows read in bulk.
    init(row: Row) throws {
        id = try row.decode(Int64.self, atIndex: 0)
        customerID = try row.decode(String.self, atIndex: 1)
        record = try row.decode(Data.self, atIndex: 2)
    }

    /// The statement of ``insert(_:_:_:)``, looked up once per commit (see `SQLiteShardStore.commit`).
    static func insertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "INSERT INTO actions (customer_id, record) VALUES (?, ?)")
    }

    static func insert(_ action: ActionRecord, _ statement: Statement, _ coder: BlobCoder) throws {
        let blob = try coder.encode(action, as: "action of customer", key: action.customer)
        try statement.execute(arguments: [action.customer, blob])
    }

    /// The statement of ``prune(customerID:keeping:_:)``.
    static func pruneStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: """
            DELETE FROM actions WHERE customer_id = ?1 AND id <= (
                SELECT id FROM actions WHERE customer_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)
            """)
    }

    /// Keeps the newest `limit` actions of `customerID`.
    ///
    /// Cost is one walk of at most `limit + 1` entries of `actions_by_customer`
    /// from the newest end, then the delete of what falls past the limit
    /// (usually nothing or one row), so the commit only pays for the customers
    /// it touched, never for the table's size.
    static func prune(customerID: String, keeping limit: Int, _ statement: Statement) throws {
        try statement.execute(arguments: [customerID, max(limit, 0)])
    }

    /// The newest `limit` actions of `customerID`, newest last.
    static func recent(customerID: String, limit: Int, _ db: Database, _ coder: BlobCoder) throws -> [ActionRecord] {
        guard limit > 0 else { return [] }
        let rows = try ActionRow.fetchAll(db, sql: """
            SELECT id, customer_id, record FROM actions WHERE customer_id = ? ORDER BY id DESC LIMIT ?
            """, arguments: [customerID, limit])
        return try rows.reversed().map {
            try coder.decode(ActionRecord.self, from: $0.record, as: "action", key: "\($0.customerID)#\($0.id)")
        }
    }
}
