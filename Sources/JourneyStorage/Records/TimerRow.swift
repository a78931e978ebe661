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
struct TimerRow: Codable, FetchableRecord, TableRecord {
    static let databaseTableName = "timers"

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id"
        case token, due
        case journeyID = "journey_id"
    }

    enum Columns {
        static let customerID = Column(CodingKeys.customerID)
        static let token = Column(CodingKeys.token)
        static let due = Column(CodingKeys.due)
    }

    var customerID: String
    var token: Int64
    var due: Double
    var journeyID: String

    init(_ timer: TimerRequest) {
        customerID = timer.customerID
        token = Int64(bitPattern: timer.token)
        due = timer.due.storedSeconds
        journeyID = timer.journeyID
    }

    var request: TimerRequest {
        TimerRequest(customerID: customerID, token: UInt64(bitPattern: token), due: Date(storedSeconds: due), journeyID: journeyID)
    }

    /// Sets the timer, replacing one with the same key. Plain SQL: GRDB's
    /// record `upsert` asks for a `rowid`, which a WITHOUT ROWID table lacks.
    static func upsert(_ timer: TimerRequest, _ db: Database) throws {
        let row = TimerRow(timer)
        try db.cachedStatement(sql: """
            INSERT INTO timers (customer_id, token, due, journey_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (customer_id, token) DO UPDATE SET due = excluded.due, journey_id = excluded.journey_id
            """).execute(arguments: [row.customerID, row.token, row.due, row.journeyID])
    }

    static func delete(_ key: TimerKey, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM timers WHERE customer_id = ? AND token = ?")
            .execute(arguments: [key.customerID, Int64(bitPattern: key.token)])
    }

    /// Every pending timer in the order the scheduler loads them (served by `timers_by_due`).
    static func allInDueOrder(_ db: Database) throws -> [TimerRequest] {
        try TimerRow.order(Columns.due, Columns.customerID, Columns.token).fetchAll(db).map(\.request)
    }

    /// The earliest timers due after `after`: `limit` rows by `timers_by_due`, then the rest of
    /// the last row's due time, so a page never splits a due time.
    static func page(after: Date?, atLeast limit: Int, _ db: Database) throws -> [TimerRequest] {
        var request = TimerRow.order(Columns.due, Columns.customerID, Columns.token)
        if let after { request = request.filter(Columns.due > after.storedSeconds) }
        var rows = try request.limit(max(0, limit)).fetchAll(db)
        if rows.count == limit, let last = rows.last {
            // Complete the last due time: its other rows, compared by key rather than by
            // SQLite's string order, which need not be Swift's.
            let seen = Set(rows.lazy.filter { $0.due == last.due }.map { TimerKey(customerID: $0.customerID, token: UInt64(bitPattern: $0.token)) })
            rows += try TimerRow.filter(Columns.due == last.due)
                .order(Columns.customerID, Columns.token)
                .fetchAll(db)
                .filter { !seen.contains(TimerKey(customerID: $0.customerID, token: UInt64(bitPattern: $0.token))) }
        }
        return rows.map(\.request)
    }
}
