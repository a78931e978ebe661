import GRDB

/// The schema of a shard file, as named migrations.
///
/// Migrations are append-only: a released migration is never edited, a change
/// is a new migration (`v2`, …), so a file written by any earlier version opens
/// with every later one. Tables are STRICT (SQLite 3.37+): a value of the wrong
/// type is an error at write time instead of a silent surprise at read time.
///
/// Times are REAL seconds since 1970; structured values are JSON BLOBs (see
/// ``BlobCoder``); each table has one record type (`CustomerRow`, `TimerRow`, …).
enum ShardSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        return migrator
    }

    private static let v1 = """
        -- The last committed state of each customer. updated_at is the wall-clock
        -- time of the write, for operators; no logic reads it.
        CREATE TABLE customers (
            id TEXT NOT NULL PRIMARY KEY,
            snapshot BLOB NOT NULL,
            updated_at REAL NOT NULL
        ) STRICT;

        -- Pending timers. The scheduler loads them in (due, customer_id, token)
        -- order at recovery, which the index serves without sorting.
        CREATE TABLE timers (
            customer_id TEXT NOT NULL,
            token INTEGER NOT NULL,
            due REAL NOT NULL,
            journey_id TEXT NOT NULL,
            PRIMARY KEY (customer_id, token)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX timers_by_due ON timers (due, customer_id, token);

        -- Accepted inputs not yet applied. sequence is assigned by the store
        -- from shard_meta.last_inbox_sequence, never by SQLite's rowid.
        CREATE TABLE inbox (
            sequence INTEGER NOT NULL PRIMARY KEY,
            customer_id TEXT NOT NULL,
            payload BLOB NOT NULL,
            accepted_at REAL NOT NULL
        ) STRICT;

        -- Exactly one row (id = 1): the shard's counters and identity.
        CREATE TABLE shard_meta (
            id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            applied_inbox_sequence INTEGER NOT NULL,
            last_inbox_sequence INTEGER NOT NULL,
            last_outbox_position INTEGER NOT NULL,
            shard_index INTEGER
        ) STRICT;
        INSERT INTO shard_meta (id, applied_inbox_sequence, last_inbox_sequence, last_outbox_position, shard_index)
        VALUES (1, 0, 0, 0, NULL);

        -- Ids of every event accepted, for de-duplication.
        CREATE TABLE seen_events (
            id TEXT NOT NULL PRIMARY KEY
        ) STRICT, WITHOUT ROWID;

        -- Sends and webhook calls, keyed by idempotency key. position is the
        -- insertion order, which is the delivery order.
        CREATE TABLE outbox (
            idempotency_key TEXT NOT NULL PRIMARY KEY,
            position INTEGER NOT NULL,
            message BLOB NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead_lettered')),
            attempts INTEGER NOT NULL,
            next_attempt_at REAL NOT NULL,
            last_error TEXT
        ) STRICT;
        -- Only pending rows, in delivery order: the relay's poll reads this
        -- index alone and stops at its limit, however many rows were delivered.
        CREATE INDEX outbox_pending ON outbox (position, next_attempt_at) WHERE status = 'pending';

        -- The recent action history of each customer (pruned to a limit per customer).
        CREATE TABLE actions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            customer_id TEXT NOT NULL,
            record BLOB NOT NULL
        ) STRICT;
        CREATE INDEX actions_by_customer ON actions (customer_id, id);

        -- Deployed journey versions.
        CREATE TABLE journey_versions (
            journey_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            definition BLOB NOT NULL,
            content_hash TEXT NOT NULL,
            deployed_at REAL NOT NULL,
            active INTEGER NOT NULL,
            PRIMARY KEY (journey_id, version)
        ) STRICT;
        """
}
