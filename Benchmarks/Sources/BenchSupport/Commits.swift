import Foundation
import GRDB
import JourneyRuntime
import JourneyStorage

/// Commits as a shard makes them: the net effect of `batchSize` consecutive
/// inputs of an interpreter replay (the last snapshot of each customer
/// touched, timers set and deleted, outbox rows, actions, the inbox position).
public enum CommitWorkload {
    public static func make(log: GeneratedLog, catalog: JourneyCatalog, batchSize: Int, count: Int) -> [ShardCommit] {
        var replay = InterpreterReplay(log: log, catalog: catalog)
        var commits: [ShardCommit] = []
        var sequence: Int64 = 0
        while commits.count < count {
            var snapshots: [String: CustomerState] = [:]
            var timerChanges: [TimerKey: TimerRequest?] = [:]
            var outbox: [OutboundMessage] = []
            var actions: [ActionRecord] = []
            for _ in 0..<batchSize {
                let (customer, _, effects, input) = replay.step()
                let state = replay.state(of: customer)
                snapshots[state.customerID] = state
                if case .timer(let firing) = input {
                    timerChanges[TimerKey(customerID: state.customerID, token: firing.token)] = .some(nil)
                } else {
                    sequence += 1
                }
                for effect in effects {
                    switch effect {
                    case .action(let action): actions.append(action)
                    case .deliver(let message): outbox.append(message)
                    case .setTimer(let timer): timerChanges[TimerKey(customerID: timer.customerID, token: timer.token)] = .some(timer)
                    case .cancelTimer(let token): timerChanges[TimerKey(customerID: state.customerID, token: token)] = .some(nil)
                    case .trace: break
                    }
                }
            }
            commits.append(ShardCommit(
                snapshots: snapshots.keys.sorted().map { snapshots[$0]! },
                timersSet: timerChanges.values.compactMap { $0 },
                timersDeleted: timerChanges.filter { $0.value == nil }.map(\.key),
                outbox: outbox, appliedInboxSequence: sequence, actions: actions))
        }
        return commits
    }

    /// Rows per commit, summed: what one commit writes.
    public static func rowCounts(_ commits: [ShardCommit]) -> (snapshots: Int, timers: Int, outbox: Int, actions: Int) {
        commits.reduce((0, 0, 0, 0)) { sum, commit in
            (sum.0 + commit.snapshots.count, sum.1 + commit.timersSet.count + commit.timersDeleted.count, sum.2 + commit.outbox.count, sum.3 + commit.actions.count)
        }
    }
}

/// Has the kernel write back every dirty page now (`sync(2)`), before a store benchmark's
/// timed work. Under synchronous NORMAL a commit leaves its pages for the kernel to write
/// back later, and on two cores that writeback slowed whatever was measured next: "store
/// commit normal" measured a p50 of 98 commits/s after the raw benchmarks, 132/s alone.
public func flushDirtyPages() { sync() }

/// The baseline of the store benchmark: the same rows as a ``ShardCommit``
/// writes (same keys, same order, blobs of the same byte sizes, encoded
/// beforehand) as plain upserts through GRDB, one transaction per commit,
/// with no JSON encoding, secondary indexes or bookkeeping. It opens its file
/// with the store's own SQLite settings (WAL, the same `synchronous` and
/// checkpoint interval), so the ratio measures the store's work, not a setting.
/// It also copies its log the way the store does, beside the writer (`WALCheckpointer`):
/// with SQLite's automatic checkpoint inside the commits, the baseline would pay for
/// copies the store's commits no longer make.
public final class RawUpsertBaseline: @unchecked Sendable {
    struct Batch {
        var snapshots: [(String, Data)] = []
        var timersDeleted: [(String, Int64)] = []
        var timersSet: [(String, Int64, Double, String)] = []
        var outbox: [(String, Data)] = []
        var actions: [(String, Data)] = []
    }

    let pool: DatabasePool
    let checkpointer: WALCheckpointer
    let batches: [Batch]

    public init(path: String, synchronousFull: Bool, commits: [ShardCommit]) throws {
        var configuration = Configuration()
        // The store's own statements, so the baseline follows any change to its settings.
        let options = SQLiteShardStore.Options(synchronous: synchronousFull ? .full : .normal)
        let pragma = options.pragmas
        configuration.prepareDatabase { db in try db.execute(sql: pragma) }
        pool = try DatabasePool(path: path, configuration: configuration)
        checkpointer = try WALCheckpointer(path: path, configuration: configuration, options: options)
        try checkpointer.install(on: pool, after: pragma)
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS customers (id TEXT NOT NULL PRIMARY KEY, snapshot BLOB NOT NULL) STRICT;
                CREATE TABLE IF NOT EXISTS timers (customer_id TEXT NOT NULL, token INTEGER NOT NULL, due REAL NOT NULL,
                    journey_id TEXT NOT NULL, PRIMARY KEY (customer_id, token)) STRICT, WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS outbox (idempotency_key TEXT NOT NULL PRIMARY KEY, message BLOB NOT NULL) STRICT;
                CREATE TABLE IF NOT EXISTS actions (id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, record BLOB NOT NULL) STRICT;
                """)
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        batches = try commits.map { commit in
            var batch = Batch()
            batch.snapshots = try commit.snapshots.map { ($0.customerID, try encoder.encode($0)) }
            batch.timersDeleted = commit.timersDeleted.map { ($0.customerID, Int64(bitPattern: $0.token)) }
            batch.timersSet = commit.timersSet.map { ($0.customerID, Int64(bitPattern: $0.token), $0.due.timeIntervalSince1970, $0.journeyID) }
            batch.outbox = try commit.outbox.map { ($0.idempotencyKey, try encoder.encode($0)) }
            batch.actions = try commit.actions.map { ($0.customer, try encoder.encode($0)) }
            return batch
        }
    }

    /// Writes the rows of commit `index` in one transaction.
    public func commit(_ index: Int) async throws {
        let batch = batches[index % batches.count]
        try await pool.write { db in
            let snapshot = try db.cachedStatement(sql: """
                INSERT INTO customers (id, snapshot) VALUES (?, ?)
                ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot
                """)
            for (id, blob) in batch.snapshots { try snapshot.execute(arguments: [id, blob]) }
            let delete = try db.cachedStatement(sql: "DELETE FROM timers WHERE customer_id = ? AND token = ?")
            for (id, token) in batch.timersDeleted { try delete.execute(arguments: [id, token]) }
            let timer = try db.cachedStatement(sql: """
                INSERT INTO timers (customer_id, token, due, journey_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (customer_id, token) DO UPDATE SET due = excluded.due, journey_id = excluded.journey_id
                """)
            for (id, token, due, journey) in batch.timersSet { try timer.execute(arguments: [id, token, due, journey]) }
            let outbox = try db.cachedStatement(sql: "INSERT INTO outbox (idempotency_key, message) VALUES (?, ?) ON CONFLICT DO NOTHING")
            for (key, blob) in batch.outbox { try outbox.execute(arguments: [key, blob]) }
            let action = try db.cachedStatement(sql: "INSERT INTO actions (customer_id, record) VALUES (?, ?)")
            for (customer, blob) in batch.actions { try action.execute(arguments: [customer, blob]) }
        }
    }

    /// How many log copies ran where (background, catch-up, forced), to compare with the store's.
    public var checkpointCounts: WALCheckpointer.Counts { checkpointer.counts }

    public func close() throws {
        try checkpointer.close()
        try pool.close()
    }
}
