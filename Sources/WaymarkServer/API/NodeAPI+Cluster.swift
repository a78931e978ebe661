import Foundation
import Hummingbird
import JourneyModel
import WaymarkCluster

/// What `GET /v1/cluster` reads on a cluster node: the cluster's status in PostgreSQL, and
/// which node answered.
struct ClusterStatusReader: Sendable {
    let source: any ClusterStatusSource
    let nodeTimeout: Duration
    let incarnation: String
}

extension NodeAPI {
    /// `GET /v1/cluster`: nodes (heartbeat, live or dead, shards) and shards (owner, epoch, lease
    /// expiry, inbox lag), as PostgreSQL has them. A single node answers 404 `not_a_cluster_member`:
    /// there is no cluster to show, which a client must be able to tell from a failure.
    func cluster() async throws -> Response {
        guard let clusterStatus else {
            throw APIError(
                .notFound, "not_a_cluster_member", "this node runs alone (its config has no `cluster:` section); there is no cluster to show")
        }
        let status = try await clusterStatus.source.clusterStatus(nodeTimeout: clusterStatus.nodeTimeout)
        return JSONResponse.make(Self.json(status, answeredBy: clusterStatus.incarnation))
    }

    static func json(_ status: ClusterStatus, answeredBy incarnation: String) -> JSONValue {
        // Times are whole seconds; ages and remaining times (on the database's clock) keep milliseconds.
        func seconds(_ interval: TimeInterval) -> JSONValue { .number((interval * 1000).rounded() / 1000) }
        let nodes: [JSONValue] = status.nodes.map { node in
            .object([
                "id": .string(node.nodeID), "incarnation": .string(node.incarnation), "address": .string(node.advertise),
                "started_at": .time(node.startedAt), "last_heartbeat": .time(node.lastSeen),
                // A heartbeat committed while this read ran may be a hair younger than its `now()`.
                "heartbeat_age_seconds": seconds(max(0, status.now.timeIntervalSince(node.lastSeen))),
                "live": .bool(node.live), "draining": .bool(node.draining), "shards": .array(node.shards.map { .int($0) }),
            ])
        }
        let shards: [JSONValue] = status.shards.map { shard in
            .object([
                "shard": .int(shard.shard), "owner": .optional(shard.leaseLive ? shard.ownerNodeID : nil),
                "owner_incarnation": .optional(shard.owner), "epoch": .number(Double(shard.epoch)),
                "lease_expires_at": shard.owner == nil ? .null : .time(shard.expiresAt), "lease_live": .bool(shard.leaseLive),
                "lease_remaining_seconds": shard.leaseLive ? seconds(shard.expiresAt.timeIntervalSince(status.now)) : .null,
                "inbox_head": .number(Double(shard.inboxHead)), "snapshot_sequence": shard.snapshotSequence.map { .number(Double($0)) } ?? .null,
                "snapshot_at": .time(shard.snapshotAt), "snapshot_age_seconds": shard.snapshotAt.map { seconds(status.now.timeIntervalSince($0)) } ?? .null,
                "inbox_lag": .number(Double(shard.inboxLag)),
            ])
        }
        return .object([
            "cluster": .object([
                "shard_count": .int(status.shardCount), "now": .time(status.now), "answered_by": .string(incarnation),
                "live_nodes": .int(status.nodes.count { $0.live }), "unowned_shards": .int(status.shards.count { !$0.leaseLive }),
            ]),
            "nodes": .array(nodes), "shards": .array(shards),
        ])
    }
}
