/// The cluster's tables in PostgreSQL. Created idempotently (`IF NOT EXISTS`) by the
/// first node that joins, under an advisory lock so that nodes starting together do
/// not race; a later change is a new statement appended here, never an edit.
///
/// Times that decide anything (`expires_at`, `last_seen`) are written with the
/// database's `now()`, never a node's clock.
enum ClusterSchema {
    /// The advisory lock key that serialises schema creation ("waymark" in ASCII, truncated).
    static let lockKey: Int64 = 0x7761_796d_6172_6b

    static let statements: [String] = [
        // One row: the shard count, fixed when the cluster is created.
        """
        CREATE TABLE IF NOT EXISTS waymark_cluster (
            id int PRIMARY KEY CHECK (id = 1),
            shard_count int NOT NULL CHECK (shard_count > 0),
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // Heartbeats: a node is live while last_seen is recent (on the database's clock).
        """
        CREATE TABLE IF NOT EXISTS waymark_nodes (
            incarnation text PRIMARY KEY,
            node_id text NOT NULL,
            advertise text NOT NULL,
            draining boolean NOT NULL DEFAULT false,
            started_at timestamptz NOT NULL DEFAULT now(),
            last_seen timestamptz NOT NULL
        )
        """,
        // One lease per shard. epoch only goes up: every acquisition takes epoch + 1.
        """
        CREATE TABLE IF NOT EXISTS waymark_leases (
            shard int PRIMARY KEY,
            owner text,
            epoch bigint NOT NULL DEFAULT 0,
            expires_at timestamptz NOT NULL DEFAULT '-infinity'
        )
        """,
        // The last inbox sequence of each shard. Appends lock this row, so sequences are
        // assigned one transaction at a time: gapless, and visible in order.
        """
        CREATE TABLE IF NOT EXISTS waymark_inbox_heads (
            shard int PRIMARY KEY,
            last_sequence bigint NOT NULL DEFAULT 0
        )
        """,
        // The shared inbox: every accepted input, until a snapshot covers it.
        """
        CREATE TABLE IF NOT EXISTS waymark_inbox (
            shard int NOT NULL,
            sequence bigint NOT NULL,
            customer_id text NOT NULL,
            payload text NOT NULL,
            accepted_at double precision NOT NULL,
            PRIMARY KEY (shard, sequence)
        )
        """,
        // Event ids accepted, for de-duplication across every node.
        """
        CREATE TABLE IF NOT EXISTS waymark_seen_events (
            shard int NOT NULL,
            event_id text NOT NULL,
            PRIMARY KEY (shard, event_id)
        )
        """,
        // The latest snapshot of each shard: customers, timers, pending outbox, inbox position.
        """
        CREATE TABLE IF NOT EXISTS waymark_snapshots (
            shard int PRIMARY KEY,
            epoch bigint NOT NULL,
            applied_sequence bigint NOT NULL,
            taken_at timestamptz NOT NULL,
            body bytea NOT NULL
        )
        """,
        // The delivery ledger: one row per idempotency key. A send is claimed (with the
        // owner's epoch checked in the same transaction) before it leaves, and marked
        // delivered after. takeovers counts claims taken over from an older epoch: sends
        // whose first attempt was cut off by a crash, the only ones that may reach a
        // receiver twice (with the same key).
        """
        CREATE TABLE IF NOT EXISTS waymark_deliveries (
            idempotency_key text PRIMARY KEY,
            shard int NOT NULL,
            epoch bigint NOT NULL,
            owner text NOT NULL,
            state text NOT NULL CHECK (state IN ('claimed', 'delivered')),
            takeovers int NOT NULL DEFAULT 0,
            claimed_at timestamptz NOT NULL,
            delivered_at timestamptz
        )
        """,
        // Where each node serves node-to-node calls (gRPC, `host:port`) and the newest call
        // envelope version it reads; null until the node publishes them (or when it serves none).
        "ALTER TABLE waymark_nodes ADD COLUMN IF NOT EXISTS grpc_address text",
        "ALTER TABLE waymark_nodes ADD COLUMN IF NOT EXISTS envelope_version int",
        // Schedule (cron) entries: the last tick fired per shard and journey, moved in the same
        // epoch-checked transaction that appends the tick's marker to the shard's inbox.
        // last_tick is seconds since 1970, like the inbox's accepted_at.
        """
        CREATE TABLE IF NOT EXISTS waymark_schedule_marks (
            shard int NOT NULL,
            journey_id text NOT NULL,
            last_tick double precision NOT NULL,
            epoch bigint NOT NULL,
            fired_at timestamptz NOT NULL,
            PRIMARY KEY (shard, journey_id)
        )
        """,
        // Journeys deployed cluster-wide: every version, its YAML (null when not known) and its
        // parsed definition (JSON, what nodes deploy). A version is only ever undeployed, never
        // changed otherwise; journeys_generation moves with every change, and nodes poll it.
        """
        CREATE TABLE IF NOT EXISTS waymark_journeys (
            journey_id text NOT NULL,
            version int NOT NULL,
            source text,
            definition text NOT NULL,
            content_hash text NOT NULL,
            active boolean NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            undeployed_at timestamptz,
            PRIMARY KEY (journey_id, version)
        )
        """,
        "ALTER TABLE waymark_cluster ADD COLUMN IF NOT EXISTS journeys_generation bigint NOT NULL DEFAULT 0",
    ]
}
