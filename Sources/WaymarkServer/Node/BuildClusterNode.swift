import Foundation
import Hummingbird
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyStorage
import JourneyYAML
import Logging
import ServiceLifecycle
import WaymarkCluster
import WaymarkRemoting

/// Builds a cluster member: the same API and channels as a single node, but inputs
/// go to the shared inbox in PostgreSQL, and the shards this node owns run in
/// ``ShardRunner``s started and stopped by the ``ClusterService`` as leases come
/// and go. The engine is kept for deploying journeys and for reads, through
/// ``ClusterShardStore``s that see the shards running here.
///
/// Journeys come from the cluster's table (``ClusterJourneySync``): the node's journeys
/// folder only seeds journeys the cluster has never seen, and `POST /v1/journeys` on any
/// node deploys to every node.
func buildClusterNode(
    _ configuration: NodeConfiguration, cluster: ClusterSettings, options: NodeOptions, channels: ChannelSetup,
    journeys: [LoadedJourney], renderer: MustacheMessageRenderer, logger: Logger
) async throws -> WaymarkNode {
    var nodeLogger = logger
    nodeLogger[metadataKey: "node.id"] = "\(cluster.nodeID)"
    let logger = nodeLogger
    try cluster.validate()
    let shardCount = configuration.shardCount ?? 8
    let local = LocalShards()
    let stores: [any ShardStore] = (0..<shardCount).map { ClusterShardStore(shard: $0, local: local) }
    let metrics = NodeMetrics(runningShards: { local.engineShards }, relayOutcomes: { await local.relays.totals() })
    let stats = JourneyStats()
    let observer = FanoutObserver(observers: [stats, MetricsObserver(metrics: metrics)])
    let passivation = configuration.passivation.policy
    let engine = JourneyEngine(
        configuration: EngineConfiguration(shardCount: shardCount, passivation: passivation, channels: channels.rules),
        stores: stores, clock: options.clock, logger: logger)
    let client = try PostgresCoordinator.makeClient(url: cluster.postgresURL, sessionTimeout: cluster.sessionTimeout, logger: logger)
    let coordinator = PostgresCoordinator(client: client, logger: logger)
    let workDirectory = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("cluster-shards")
    let storeOptions = configuration.storeOptions
    let seeds = journeys.map { JourneySeed(definition: $0.definition, source: try? String(contentsOfFile: $0.file, encoding: .utf8)) }
    let templateReport = MissingTemplateReport(renderer: renderer, knownChannels: channels.knownChannels, logger: logger)
    let journeySync = ClusterJourneySync(
        registry: coordinator, seeds: seeds,
        install: { versions in
            try await engine.adopt(versions)
            templateReport.check(versions.filter(\.active).map { ($0.journeyID, $0.version, $0.definition) })
        },
        broadcast: { input in
            for shard in 0..<shardCount { _ = try await coordinator.append(shard: shard, [input]) }
        },
        logger: logger)
    let remoting = ClusterRemoting.build(
        configuration, cluster: cluster, coordinator: coordinator, local: local, shardCount: shardCount, stats: stats, metrics: metrics, logger: logger)
    let service = ClusterService(
        settings: cluster, shardCount: shardCount, coordinator: coordinator, client: client,
        incarnationNonce: UInt32.random(in: 0...UInt32.max), local: local, journeys: journeySync,
        makeContext: { coordinator, fence, local, owner in
            ShardRunnerContext(
                coordinator: coordinator, fence: fence, local: local, owner: owner, workDirectory: workDirectory, channels: channels.rules,
                passivation: passivation, actorSystem: remoting.actorSystem, relay: channels.relay, observer: observer, clock: options.clock,
                settings: cluster, storeOptions: storeOptions, logger: logger)
        },
        logger: logger)
    remoting.identify(incarnation: service.node.incarnation)

    var api = NodeAPI(
        engine: engine, stores: stores, stats: stats, metrics: metrics, clock: options.clock,
        body: RequestBodyReader(limit: configuration.limits.maximumBodyBytes),
        payload: IngestPayload(maximumBatch: configuration.limits.maximumBatch),
        validator: renderer.journeyValidator(knownChannels: channels.knownChannels),
        logger: logger)
    api.inputSink = service.inbox
    api.readiness = { service.isJoined }
    api.clusterJourneys = journeySync
    api.clusterStatus = ClusterStatusReader(source: coordinator, nodeTimeout: cluster.nodeTimeout, incarnation: service.node.incarnation)
    remoting.wire(&api)
    let router = Router()
    api.register(on: router, auth: configuration.auth)

    let listening = ListeningPort()
    let host = configuration.host
    let application = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port), serverName: "waymark"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? 0
            listening.publish(port)
            logger.info("waymark listening", metadata: [
                "node.address": "http://\(host):\(port)", "node.config": "\(configuration.source ?? "defaults")",
                "node.auth": "\(configuration.auth.isEnabled)", "node.mode": "cluster",
            ])
        },
        logger: logger)

    // Shut down in reverse: the server stops taking requests, then the node hands its shards over.
    let groupConfiguration = NodeServiceGroup.configuration(
        core: service, underCore: remoting.service.map { [$0] } ?? [], application: application, signals: options.gracefulShutdownSignals, logger: logger)
    logger.info("cluster node built", metadata: [
        "node.data": "\(configuration.dataDirectory)", "node.shards": "\(shardCount)", "cluster.postgres": "\(PostgresCoordinator.redacted(cluster.postgresURL))",
        "node.advertise": "\(cluster.advertise)",
    ])
    return WaymarkNode(
        configuration: configuration, engine: engine, stats: stats, metrics: metrics, stores: [], serviceGroup: ServiceGroup(configuration: groupConfiguration),
        listening: listening, logger: logger)
}
