import Foundation
import Logging
import PostgresNIO

extension PostgresCoordinator: ClusterStatusSource {
    /// Reads nodes, leases, inbox heads and snapshot positions in one transaction, at one `now()`.
    public func clusterStatus(nodeTimeout: Duration) async throws -> ClusterStatus {
        try await transaction("clusterStatus") { connection, logger in
            var now = Date()
            var shards: [ClusterStatus.Shard] = []
            let shardRows = try await connection.query(
                """
                SELECT l.shard, l.owner, l.epoch, l.expires_at, l.owner IS NOT NULL AND l.expires_at > now(),
                    coalesce(h.last_sequence, 0), s.applied_sequence, s.taken_at, now()
                FROM waymark_leases l
                LEFT JOIN waymark_inbox_heads h ON h.shard = l.shard
                LEFT JOIN waymark_snapshots s ON s.shard = l.shard
                ORDER BY l.shard
                """, logger: logger)
            for try await (shard, owner, epoch, expiresAt, live, head, applied, takenAt, dbNow)
                in shardRows.decode((Int, String?, Int64, Date, Bool, Int64, Int64?, Date?, Date).self)
            {
                shards.append(ClusterStatus.Shard(
                    shard: shard, owner: owner, epoch: epoch, expiresAt: expiresAt, leaseLive: live, inboxHead: head,
                    snapshotSequence: applied, snapshotAt: takenAt))
                now = dbNow
            }
            if shards.isEmpty { now = try await Self.databaseNow(connection, logger) }
            var nodes: [ClusterStatus.Node] = []
            let nodeRows = try await connection.query(
                """
                SELECT incarnation, node_id, advertise, draining, started_at, last_seen,
                    last_seen > now() - make_interval(secs => \(nodeTimeout.seconds))
                FROM waymark_nodes ORDER BY node_id, started_at
                """, logger: logger)
            for try await (incarnation, nodeID, advertise, draining, startedAt, lastSeen, live)
                in nodeRows.decode((String, String, String, Bool, Date, Date, Bool).self)
            {
                let owned = shards.filter { $0.leaseLive && $0.owner == incarnation }.map(\.shard)
                nodes.append(ClusterStatus.Node(
                    incarnation: incarnation, nodeID: nodeID, advertise: advertise, draining: draining, startedAt: startedAt,
                    lastSeen: lastSeen, live: live, shards: owned))
            }
            nodes.sort { ($0.live ? 0 : 1, $0.nodeID, $0.startedAt) < ($1.live ? 0 : 1, $1.nodeID, $1.startedAt) }
            return ClusterStatus(shardCount: shards.count, now: now, nodes: nodes, shards: shards)
        }
    }
}
