import Foundation

/// How a node takes part in a cluster: the `cluster:` section of its config, with
/// timing defaults that suit a LAN.
///
/// The timings must nest: a lease is renewed several times before it can expire
/// (`renewInterval` well under `leaseDuration`), and a node stops processing a
/// shard `safetyMargin` before its own view of the lease ends, which must leave
/// time after the last renewal: `renewInterval + safetyMargin < leaseDuration`.
public struct ClusterSettings: Sendable, Hashable {
    /// `postgres://user:password@host:port/database`.
    public var postgresURL: String
    /// Stable name of this node (its leases are held by `nodeID#<start id>`).
    public var nodeID: String
    /// `host:port` at which other nodes and operators reach this node's API.
    public var advertise: String
    public var leaseDuration: Duration = .seconds(10)
    public var renewInterval: Duration = .seconds(2)
    public var safetyMargin: Duration = .seconds(3)
    /// A node whose heartbeat is older than this is not counted as live.
    public var nodeTimeout: Duration = .seconds(10)
    /// How often an owner uploads its shard's snapshot while the shard changes.
    public var snapshotInterval: Duration = .seconds(5)
    /// How often an owner looks for inbox entries appended by other nodes.
    public var pollInterval: Duration = .milliseconds(100)
    public var balancer = Balancer.Configuration()
    /// Schedule ticks missed by more than this (the cluster was down, or no node owned a shard) are
    /// skipped instead of fired late; ticks missed during a takeover are well within it.
    public var scheduleCatchUp: Duration = .seconds(3600)
    /// How often a node looks for journeys deployed or undeployed through other nodes.
    public var journeyPollInterval: Duration = .seconds(1)

    /// How long PostgreSQL lets one of this node's sessions hold a transaction open or wait for a
    /// lock: a third of the lease, so a node paused mid-transaction cannot keep a lease row locked
    /// past the lease's expiry.
    public var sessionTimeout: Duration { max(.milliseconds(100), leaseDuration / 3) }

    public init(postgresURL: String, nodeID: String, advertise: String) {
        self.postgresURL = postgresURL
        self.nodeID = nodeID
        self.advertise = advertise
    }

    /// Checks that the timings nest; the error names the setting to change.
    public func validate() throws {
        guard !nodeID.isEmpty, nodeID.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ClusterError(.invalidConfiguration, "cluster.node_id must be letters, digits, `-`, `_` or `.`, not `\(nodeID)`", context: ["setting": "cluster.node_id"])
        }
        guard renewInterval + safetyMargin < leaseDuration else {
            throw ClusterError(
                .invalidConfiguration,
                "cluster.renew_interval (\(renewInterval)) + cluster.safety_margin (\(safetyMargin)) must be shorter than cluster.lease_duration (\(leaseDuration))",
                context: ["setting": "cluster.lease_duration"])
        }
        guard pollInterval > .zero, snapshotInterval > .zero, journeyPollInterval > .zero, scheduleCatchUp >= .zero, nodeTimeout > renewInterval else {
            throw ClusterError(
                .invalidConfiguration, "cluster.node_timeout must exceed cluster.renew_interval, and intervals must be positive",
                context: ["setting": "cluster.node_timeout"])
        }
    }
}
