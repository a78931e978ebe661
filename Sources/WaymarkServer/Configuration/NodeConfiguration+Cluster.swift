import Foundation
import WaymarkCluster

extension NodeConfiguration {
    static let clusterKeys = [
        "postgres", "node_id", "advertise", "lease_duration", "renew_interval", "safety_margin", "node_timeout",
        "snapshot_interval", "poll_interval", "max_moves", "move_interval", "grpc", "journey_poll_interval", "schedule_catch_up",
    ]

    /// The `cluster:` section: `postgres`, `node_id` and `advertise` are required; the timings
    /// have defaults and must nest (see ``ClusterSettings/validate()``).
    static func readCluster(_ node: ConfigNode) throws -> ClusterSettings {
        var postgres: String?, nodeID: String?, advertise: String?
        var timings: [String: (value: Duration, node: ConfigNode)] = [:]
        var maximumMoves: Int?
        for (key, value) in try node.mapping("cluster", allowed: clusterKeys) {
            switch key {
            case "postgres":
                let url = try value.string("cluster.postgres")
                guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                    throw value.error(.invalidValue, "cluster.postgres must be a postgres://user:password@host:port/database URL")
                }
                postgres = url
            case "node_id": nodeID = try value.string("cluster.node_id")
            case "advertise":
                let address = try value.string("cluster.advertise")
                guard let colon = address.lastIndex(of: ":"), Int(address[address.index(after: colon)...]) != nil else {
                    throw value.error(.invalidValue, "cluster.advertise must be host:port, not `\(address)`")
                }
                advertise = address
            case "max_moves": maximumMoves = try value.int("cluster.max_moves", atLeast: 1)
            case "grpc": break  // node-to-node calls: readClusterGRPC
            default:
                timings[key] = (.milliseconds(Int64((try value.duration("cluster.\(key)") * 1000).rounded())), value)
            }
        }
        guard let postgres else { throw node.error(.invalidValue, "cluster needs `postgres: postgres://…`") }
        guard let nodeID else { throw node.error(.invalidValue, "cluster needs `node_id:` (a name unique in the cluster)") }
        guard let advertise else { throw node.error(.invalidValue, "cluster needs `advertise: host:port` (where other nodes reach this one)") }
        var settings = ClusterSettings(postgresURL: postgres, nodeID: nodeID, advertise: advertise)
        if let value = timings["lease_duration"]?.value { settings.leaseDuration = value }
        if let value = timings["renew_interval"]?.value { settings.renewInterval = value }
        if let value = timings["safety_margin"]?.value { settings.safetyMargin = value }
        if let value = timings["node_timeout"]?.value { settings.nodeTimeout = value }
        if let value = timings["snapshot_interval"]?.value { settings.snapshotInterval = value }
        if let value = timings["poll_interval"]?.value { settings.pollInterval = value }
        if let value = timings["move_interval"]?.value { settings.balancer.moveInterval = value }
        if let value = timings["journey_poll_interval"]?.value { settings.journeyPollInterval = value }
        if let value = timings["schedule_catch_up"]?.value { settings.scheduleCatchUp = value }
        if let maximumMoves { settings.balancer.maximumMovesPerRound = maximumMoves }
        do {
            try settings.validate()
        } catch let error as ClusterError {
            let setting = error.context["setting"].flatMap { $0.split(separator: ".").last.map(String.init) }
            throw (setting.flatMap { timings[$0]?.node } ?? node).error(.invalidValue, error.message)
        }
        return settings
    }
}
