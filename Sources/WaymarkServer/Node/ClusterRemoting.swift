import Foundation
import JourneyEngine
import Logging
import WaymarkCluster
import WaymarkRemoting

/// The node-to-node side of a cluster node: its actor system (customers owned here
/// answered locally, the others through gRPC), the service that serves and makes
/// those calls, and the API hooks that use them. Without `cluster.grpc` it is only
/// an actor system over the shards running here, as before node-to-node calls.
struct ClusterRemoting {
    let actorSystem: WaymarkActorSystem
    let service: RemotingService?
    let routing: CoordinatorPeerRouting?

    static func build(
        _ configuration: NodeConfiguration, cluster: ClusterSettings, coordinator: PostgresCoordinator, local: LocalShards,
        shardCount: Int, stats: JourneyStats, metrics: NodeMetrics, logger: Logger
    ) -> ClusterRemoting {
        let host = ClusterActorHost(local: local, shardCount: shardCount)
        guard var settings = configuration.clusterGRPC else {
            return ClusterRemoting(actorSystem: WaymarkActorSystem(host: host), service: nil, routing: nil)
        }
        if settings.host.isEmpty { settings.host = configuration.host }
        if settings.advertiseHost == nil {
            settings.advertiseHost = PeerAddress(parsing: cluster.advertise)?.host ?? settings.host
        }
        let routing = CoordinatorPeerRouting(
            coordinator: coordinator, shardCount: shardCount, nodeTimeout: cluster.nodeTimeout,
            refreshInterval: cluster.renewInterval, logger: logger)
        let transport = GRPCRemoteCallTransport(
            routing: routing, settings: settings, caller: cluster.nodeID, metrics: RemoteCallMetrics(factory: metrics.factory), logger: logger)
        let actorSystem = WaymarkActorSystem(transport: transport, host: host)
        let service = RemotingService(
            settings: settings, actorSystem: actorSystem, transport: transport, queries: NodeQueries(stats: stats), logger: logger)
        return ClusterRemoting(actorSystem: actorSystem, service: service, routing: routing)
    }

    /// Tells the routing which lease owner this node is (known once the cluster service exists).
    func identify(incarnation: String) {
        routing?.identify(incarnation: incarnation)
    }

    /// Customers answered by their owner's actor, stats summed over the cluster.
    func wire(_ api: inout NodeAPI) {
        guard let service else { return }
        let actorSystem = actorSystem
        api.customerLookup = { id in
            try await actorSystem.callOwner(of: CustomerActorID(customerID: id), as: CustomerActor.self) {
                try await $0.lookup(recentActions: 50)
            }
        }
        let transport = service.transport
        api.clusterCounts = { journeyID in try await NodeQueries.gather(journeyID, over: transport) }
    }
}
