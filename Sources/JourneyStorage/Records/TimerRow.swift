import Foundation
import GRDB
import JourneyRuntime

/// A row of `timers`: one pending ``TimerRequest``.
///
/// Tokens are `UInt64` in the runtime and INTEGER (signed 64-bit) in SQLite:
/// the row stores the same bits (`Int64(bitPattern:)`), so every token round-trips.
/// Ordering by token in SQL differs from the runtime's for tokens of 2⁶³ and above
/// (segment rechecks set the top bit), so nothing relies on SQL's order among one
/// customer's timers due at the same instant: the scheduler's heap orders them.
struct TimerRow: FetchableRecord {
    var customerID: String
    var token: Int64
    var due: Double
    var journeyID: String

    /// The columns every read selects, in the order ``init(row:)`` reads them.
    static let selection = "customer_id, token, due, journey_id"

    /// Reads a row of ``selection`` by position. Recovery and timer paging read a window of
    /// rows per shard (25,000 by default), and decoding them through `Decodable` by column
    /// name was most of the time a shard took to recover.
    init(row: Row) throws {
        customerID = try row.decode(String.self, atIndex: 0)
        token = try row.decode(Int64.self, atIndex: 1)
        due = try row.decode(Double.self, atIndex: 2)
        journeyID = try row.decode(String.self, atIndex: 3)
    }

    init(_ timer: TimerRequest) {
        customerID = timer.customerID
        token = Int64(bitPattern: timer.token)
        due = timer.due.storedSeconds
        journeyID = timer.journeyID
    }

    var request: TimerRequest {
        TimerRequest(customerID: customerID, token: UInt64(bitPattern: token), due: Date(storedSeconds: due), journeyID: journeyID)
    }

    /// The statement of ``upsert(_:_:)``, looked up once per commit (see `SQLiteShardStore.commit`).
    /// Plain SQL: GRDB's record `upsert` asks for a `rowid`, which a WITHOUT ROWID table lacks.
    static func upsertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: """
            INSERT INTO timers (customer_id, token, due, journey_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (customer_id, token) DO UPDATE SET due = excluded.due, journey_id = excluded.journey_id
            """)
    }

    /// Sets the timer, replacing one with the same key.
    static func upsert(_ timer: TimerRequest, _ statement: Statement) throws {
        let row = TimerRow(timer)
        try statement.execute(arguments: [row.customerID, row.token, row.due, row.journeyID])
    }

    /// The statement of ``delete(_:_:)``.
    static func deleteStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "DELETE FROM timers WHERE customer_id = ? AND token = ?")
    }

    static func delete(_ key: TimerKey, _ statement: Statement) throws {
        try statement.execute(arguments: [key.customerID, Int64(bitPattern: key.token)])
    }

    /// Every pending timer in the order the scheduler loads them (served by `timers_by_due`).
    static func allInDueOrder(_ db: Database) throws -> [TimerRequest] {
        try TimerRow.fetchAll(db, sql: "SELECT \(selection) FROM timers ORDER BY due, customer_id, token").map(\.request)
    }

    /// The earliest timers due after `after`: `limit` rows by `timers_by_due`, then the rest of
    /// the last row's due time, so a page never splits a due time.
    static func page(after: Date?, atLeast limit: Int, _ db: Database) throws -> [TimerRequest] {
        let range = after == nil ? "" : "WHERE due > ?"
        var rows = try TimerRow.fetchAll(
            db, sql: "SELECT \(selection) FROM timers \(range) ORDER BY due, customer_id, token LIMIT ?",
            arguments: StatementArguments(after.map { [$0.storedSeconds] } ?? []) + [max(0, limit)])
        if rows.count == limit, let last = rows.last {
            // Complete the last due time: its other rows, compared by key rather than by
            // SQLite's string order, which need not be Swift's.
            let seen = Set(rows.lazy.filter { $0.due == last.due }.map { TimerKey(customerID: $0.customerID, token: UInt64(bitPattern: $0.token)) })
            rows += try TimerRow.fetchAll(db, sql: "SELECT \(selection) FROM timers WHERE due = ? ORDER BY customer_id, token", arguments: [last.due])
                .filter { !seen.contains(TimerKey(customerID: $0.customerID, token: UInt64(bitPattern: $0.token))) }
        }
        return rows.map(\.request)
    }
}
