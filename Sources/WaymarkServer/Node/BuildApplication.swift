import AsyncHTTPClient
import Foundation
import Hummingbird
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyStorage
import JourneyYAML
import Logging
import ServiceLifecycle
import UnixSignals

/// How a node is started, beyond its configuration: what the CLI and the tests choose differently.
public struct NodeOptions: Sendable {
    /// `[.sigterm, .sigint]` for a process; none in tests, which stop the node themselves.
    public var gracefulShutdownSignals: [UnixSignal]
    public var clock: any JourneyClock
    /// The client of webhook deliveries; `.webhooks` does not follow redirects.
    public var httpClient: HTTPClient

    public init(gracefulShutdownSignals: [UnixSignal] = [], clock: any JourneyClock = SystemClock(), httpClient: HTTPClient = .webhooks) {
        self.gracefulShutdownSignals = gracefulShutdownSignals
        self.clock = clock
        self.httpClient = httpClient
    }
}

/// Builds a node from its configuration: templates, journeys, data directory,
/// channels, engine, routes and the service group. `waymark serve` and the
/// tests both start nodes through here, so they run the same thing.
///
/// Everything that can be wrong with the setup (a journey with errors, a
/// template that does not parse, a data directory made with another shard
/// count) is reported here, before the node listens.
public func buildApplication(_ configuration: NodeConfiguration, options: NodeOptions = NodeOptions(), logger: Logger) async throws -> WaymarkNode {
    let renderer = try MustacheMessageRenderer(directory: configuration.templatesDirectory, htmlChannels: configuration.htmlChannels)
    let channels = try ChannelSetup(configuration: configuration, renderer: renderer, client: options.httpClient, logger: logger)
    let loaded = try loadJourneyFiles(configuration, knownChannels: channels.knownChannels, logger: logger)
    let definitions = loaded.map(\.definition)
    if let cluster = configuration.cluster {
        return try await buildClusterNode(
            configuration, cluster: cluster, options: options, channels: channels, journeys: loaded, renderer: renderer, logger: logger)
    }

    let dataURL = URL(fileURLWithPath: configuration.dataDirectory)
    let directory: DataDirectory
    if let shardCount = configuration.shardCount {
        directory = try DataDirectory.openOrCreate(at: dataURL, shardCount: shardCount, now: options.clock.now())
    } else if FileManager.default.fileExists(atPath: dataURL.appendingPathComponent(DataDirectory.manifestFileName).path) {
        directory = try DataDirectory.open(at: dataURL)
    } else {
        directory = try DataDirectory.openOrCreate(at: dataURL, shardCount: 8, now: options.clock.now())
    }
    let stores = try (0..<directory.shardCount).map {
        try directory.store(forShard: $0, options: configuration.storeOptions)
    }
    let metrics = NodeMetrics()
    let timed: [any ShardStore] = stores.map { TimedShardStore(base: $0, commitDuration: metrics.commitDuration, appendDuration: metrics.appendDuration) }
    let stats = JourneyStats()
    let engine = JourneyEngine(
        configuration: EngineConfiguration(
            shardCount: directory.shardCount,
            passivation: configuration.passivation.policy,
            channels: channels.rules),
        stores: timed, clock: options.clock, observer: FanoutObserver(observers: [stats, MetricsObserver(metrics: metrics)]),
        relay: channels.relay, seed: UInt64.random(in: 0...UInt64.max), logger: logger)
    if !definitions.isEmpty {
        // The engine logs each new version; unchanged ones (a restart) are summed up here.
        let outcomes = try await engine.deploy(definitions)
        logger.info("journeys loaded", metadata: [
            "journeys.deployed": "\(outcomes.count { $0.change == .deployed })", "journeys.unchanged": "\(outcomes.count { $0.change == .unchanged })",
            "node.journeys": "\(configuration.journeysDirectory)",
        ])
    }

    // A journey deployed through the API stays deployed when its file or a template it names
    // leaves the folder: say so now, not in a dead letter per send.
    MissingTemplateReport(renderer: renderer, knownChannels: channels.knownChannels, logger: logger)
        .check(try await engine.activeJourneys().map { ($0.id, $0.version, $0.definition) })

    let api = NodeAPI(
        engine: engine, stores: timed, stats: stats, metrics: metrics, clock: options.clock,
        body: RequestBodyReader(limit: configuration.limits.maximumBodyBytes),
        payload: IngestPayload(maximumBatch: configuration.limits.maximumBatch),
        validator: renderer.journeyValidator(knownChannels: channels.knownChannels),
        logger: logger)
    let router = Router()
    api.register(on: router, auth: configuration.auth)

    let listening = ListeningPort()
    let host = configuration.host
    let source = configuration.source
    let authEnabled = configuration.auth.isEnabled
    let application = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port), serverName: "waymark"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? 0
            listening.publish(port)
            logger.info("waymark listening", metadata: ["node.address": "http://\(host):\(port)", "node.config": "\(source ?? "defaults")", "node.auth": "\(authEnabled)"])
            if source == nil {
                logger.notice("no config file: listening on \(host) only, without auth; pass --config to expose the node")
            } else if !authEnabled && !["127.0.0.1", "localhost", "::1"].contains(host) {
                logger.warning("the API is open to anyone who can reach \(host): configure auth tokens")
            }
        },
        logger: logger)

    let groupConfiguration = NodeServiceGroup.configuration(
        core: engine, application: application, signals: options.gracefulShutdownSignals, logger: logger)
    let group = ServiceGroup(configuration: groupConfiguration)
    logger.info("node built", metadata: [
        "node.data": "\(configuration.dataDirectory)", "node.shards": "\(directory.shardCount)",
        "node.durability": "\(configuration.durability.rawValue)", "node.journeys": "\(definitions.count)",
    ])
    return WaymarkNode(configuration: configuration, engine: engine, stats: stats, metrics: metrics, stores: stores, serviceGroup: group, listening: listening, logger: logger)
}

/// Loads and validates the journeys folder. Any error stops the start: a node never runs half its journeys.
func loadJourneyFiles(_ configuration: NodeConfiguration, knownChannels: Set<String>, logger: Logger) throws -> [LoadedJourney] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: configuration.journeysDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
        logger.warning("no journeys folder; starting with the journeys already deployed in the data directory", metadata: ["node.journeys": "\(configuration.journeysDirectory)"])
        return []
    }
    guard !JourneyLoader.journeyFiles(in: configuration.journeysDirectory).isEmpty else { return [] }
    let result = JourneyLoader(validator: JourneyValidator(knownChannels: knownChannels, templateSyntax: MustacheSyntax.check))
        .load(paths: [configuration.journeysDirectory])
    for warning in result.diagnostics where warning.severity == .warning {
        logger.warning("\(warning.description)")
    }
    guard result.errorCount == 0 else {
        throw NodeStartupError(
            "\(configuration.journeysDirectory) has \(result.errorCount) journey error(s); fix them (see `waymark validate`)",
            diagnostics: result.diagnostics.filter { $0.severity == .error })
    }
    return result.journeys
}
