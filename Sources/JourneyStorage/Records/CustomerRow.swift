import Foundation
import GRDB
import JourneyRuntime

/// The `customers` table: the last committed ``CustomerState`` of each customer (`id`, the
/// `snapshot` blob, `updated_at`). Rows are only ever written whole and read back as the blob
/// alone, so no value of this type exists: it names the table and its statements.
enum CustomerRow: TableRecord {
    static let databaseTableName = "customers"

    enum Columns {
        static let id = Column("id")
    }

    /// The statement of ``upsert(_:_:_:)``, looked up once per commit (see `SQLiteShardStore.commit`).
    static func upsertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: """
            INSERT INTO customers (id, snapshot, updated_at)
            VALUES (?, ?, (julianday('now') - 2440587.5) * 86400.0)
            ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at
            """)
    }

    /// Inserts or replaces the snapshot. `updated_at` is SQLite's wall clock at
    /// write time: bookkeeping for operators, outside the deterministic core.
    static func upsert(_ state: CustomerState, _ statement: Statement, _ coder: BlobCoder) throws {
        let blob = try coder.encode(state, as: "snapshot of customer", key: state.customerID)
        try statement.execute(arguments: [state.customerID, blob])
    }

    /// The decoded snapshot of `id`, nil for a customer never committed; a blob that no longer
    /// decodes is ``StorageError/Code/unreadableSnapshot``.
    ///
    /// Every activation of a customer who is not resident comes here, most of them for customers
    /// seen for the first time: one cached statement reading only the blob, rather than a query
    /// built from the query interface and a whole row decoded through `Codable` (profiled at 5%
    /// of a node's CPU under webhook load, mostly building the SQL).
    static func state(of id: String, _ db: Database, _ coder: BlobCoder) throws -> CustomerState? {
        guard let blob = try Data.fetchOne(db.cachedStatement(sql: "SELECT snapshot FROM customers WHERE id = ?"), arguments: [id]) else {
            return nil
        }
        return try coder.snapshot(from: blob, key: id)
    }
}
