import Foundation
import JourneyRuntime
import Logging
import PostgresNIO

/// The ``ClusterCoordinator`` on PostgreSQL, through postgres-nio: membership,
/// leases, the shared inbox, snapshots and the delivery ledger.
///
/// Every lease decision compares with the database's `now()`, so the nodes'
/// clocks never decide who owns a shard. Every write a shard owner makes runs
/// ``checkEpoch(_:shard:owner:epoch:)`` first in the same transaction: it locks
/// the lease row (`FOR SHARE`) so that nobody can take the lease over until the
/// write committed, and refuses the write if the owner's epoch is not current.
///
/// The client's connection pool must be running (``PostgresClient/run()``);
/// ``ClusterService`` runs it.
public final class PostgresCoordinator: ClusterCoordinator, Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A client for a `postgres://user:password@host:port/database` URL.
    ///
    /// - Parameter sessionTimeout: how long a session may sit in an open transaction or wait for a
    ///   lock. A node paused (or cut off) in the middle of a transaction holds row locks, the lease
    ///   row's among them; the server ends such a session after this long, so that the lease can
    ///   still be taken over when it expires. Keep it well under the lease duration.
    public static func makeClient(url: String, sessionTimeout: Duration = .seconds(2), logger: Logger) throws -> PostgresClient {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw ClusterError(.invalidConfiguration, "`\(redacted(url))` is not a postgres://user@host:port/database URL", context: ["setting": "cluster.postgres"])
        }
        let database = components.path.split(separator: "/").first.map(String.init)
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
            database: database, tls: .disable)
        configuration.options.maximumConnections = 8
        let milliseconds = "\(max(100, Int(sessionTimeout.seconds * 1000)))"
        configuration.options.additionalStartupParameters = [
            ("idle_in_transaction_session_timeout", milliseconds), ("lock_timeout", milliseconds),
        ]
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// The URL without its password, for logs and errors.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }

    public func join(_ node: ClusterNode, shardCount: Int) async throws {
        try await transaction("join") { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(ClusterSchema.lockKey))", logger: logger)
            for statement in ClusterSchema.statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.query(
                "INSERT INTO waymark_cluster (id, shard_count) VALUES (1, \(shardCount)) ON CONFLICT (id) DO NOTHING", logger: logger)
            let rows = try await connection.query("SELECT shard_count FROM waymark_cluster WHERE id = 1", logger: logger)
            var recorded = shardCount
            for try await count in rows.decode(Int.self) { recorded = count }
            guard recorded == shardCount else {
                throw ClusterError(
                    .shardCountMismatch,
                    "the cluster was created with \(recorded) shards but this node is configured with \(shardCount); the shard count is fixed when the cluster is created",
                    context: ["node.id": node.nodeID, "cluster.shards": "\(recorded)", "node.shards": "\(shardCount)"])
            }
            try await connection.query(
                "INSERT INTO waymark_leases (shard) SELECT generate_series(0, \(shardCount - 1)) ON CONFLICT (shard) DO NOTHING", logger: logger)
            try await connection.query(
                "INSERT INTO waymark_inbox_heads (shard) SELECT generate_series(0, \(shardCount - 1)) ON CONFLICT (shard) DO NOTHING", logger: logger)
        }
        _ = try await heartbeat(node, nodeTimeout: .seconds(60))
    }

    public func heartbeat(_ node: ClusterNode, nodeTimeout: Duration) async throws -> ClusterView {
        try await transaction("heartbeat") { connection, logger in
            try await connection.query(
                """
                INSERT INTO waymark_nodes (incarnation, node_id, advertise, draining, last_seen)
                VALUES (\(node.incarnation), \(node.nodeID), \(node.advertise), \(node.draining), now())
                ON CONFLICT (incarnation) DO UPDATE SET last_seen = now(), draining = EXCLUDED.draining, advertise = EXCLUDED.advertise
                """, logger: logger)
            var nodes: [ClusterNode] = []
            let nodeRows = try await connection.query(
                """
                SELECT incarnation, node_id, advertise, draining FROM waymark_nodes
                WHERE last_seen > now() - make_interval(secs => \(nodeTimeout.seconds)) ORDER BY incarnation
                """, logger: logger)
            for try await (incarnation, nodeID, advertise, draining) in nodeRows.decode((String, String, String, Bool).self) {
                nodes.append(ClusterNode(incarnation: incarnation, nodeID: nodeID, advertise: advertise, draining: draining))
            }
            var leases: [Lease] = []
            var now = Date()
            let leaseRows = try await connection.query(
                "SELECT shard, owner, epoch, expires_at, now() FROM waymark_leases ORDER BY shard", logger: logger)
            for try await (shard, owner, epoch, expiresAt, dbNow) in leaseRows.decode((Int, String?, Int64, Date, Date).self) {
                leases.append(Lease(shard: shard, owner: owner, epoch: epoch, expiresAt: expiresAt))
                now = dbNow
            }
            if leases.isEmpty { now = try await Self.databaseNow(connection, logger) }
            return ClusterView(shardCount: leases.count, nodes: nodes, leases: leases, now: now)
        }
    }

    public func acquire(shard: Int, owner: String, ttl: Duration) async throws -> LeaseGrant? {
        try await transaction("acquire", shard: shard) { connection, logger in
            let rows = try await connection.query(
                """
                UPDATE waymark_leases SET owner = \(owner), epoch = epoch + 1, expires_at = now() + make_interval(secs => \(ttl.seconds))
                WHERE shard = \(shard) AND (owner IS NULL OR expires_at <= now())
                RETURNING epoch, expires_at, now()
                """, logger: logger)
            for try await (epoch, expiresAt, now) in rows.decode((Int64, Date, Date).self) {
                return LeaseGrant(Lease(shard: shard, owner: owner, epoch: epoch, expiresAt: expiresAt), now: now)
            }
            return nil
        }
    }

    public func renew(owner: String, epochs: [Int: Int64], ttl: Duration) async throws -> [LeaseGrant] {
        if epochs.isEmpty { return [] }
        let shards = epochs.keys.sorted()
        let values = shards.map { epochs[$0]! }
        return try await transaction("renew") { connection, logger in
            let rows = try await connection.query(
                """
                UPDATE waymark_leases AS l SET expires_at = now() + make_interval(secs => \(ttl.seconds))
                FROM unnest(\(shards)::bigint[], \(values)::bigint[]) AS h(shard, epoch)
                WHERE l.shard = h.shard AND l.epoch = h.epoch AND l.owner = \(owner) AND l.expires_at > now()
                RETURNING l.shard, l.epoch, l.expires_at, now()
                """, logger: logger)
            var grants: [LeaseGrant] = []
            for try await (shard, epoch, expiresAt, now) in rows.decode((Int, Int64, Date, Date).self) {
                grants.append(LeaseGrant(Lease(shard: shard, owner: owner, epoch: epoch, expiresAt: expiresAt), now: now))
            }
            return grants
        }
    }

    public func release(shard: Int, owner: String, epoch: Int64) async throws {
        try await transaction("release", shard: shard) { connection, logger in
            try await connection.query(
                """
                UPDATE waymark_leases SET owner = NULL, expires_at = LEAST(expires_at, now())
                WHERE shard = \(shard) AND owner = \(owner) AND epoch = \(epoch)
                """, logger: logger)
        }
    }

    public func leave(_ node: ClusterNode) async throws {
        try await transaction("leave") { connection, logger in
            try await connection.query("DELETE FROM waymark_nodes WHERE incarnation = \(node.incarnation)", logger: logger)
        }
    }
}
