import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging

/// Keeps one node's journeys in step with the cluster's (``ClusterJourneyRegistry``).
///
/// When the node joins, ``start()`` offers its journeys folder to the cluster (only
/// journeys the cluster has never seen are recorded: once a journey is in the table,
/// the table is the truth, so a node started with an old folder cannot roll a journey
/// back) and installs every version the cluster has — before any of the node's shards
/// runs. From then on ``poll()`` (every `journeyPollInterval`) installs what other
/// nodes deployed. A deploy or undeploy through this node goes to the table first and
/// is installed here at once.
///
/// Installing is ``JourneyEngine/adopt(_:)``, a merge that never undoes a newer change,
/// so concurrent loads need no ordering.
public actor ClusterJourneySync {
    let registry: any ClusterJourneyRegistry
    let seeds: [JourneySeed]
    let install: @Sendable ([StoredJourneyVersion]) async throws -> Void
    /// Appends an input to every shard's inbox (``ExitRunsMarker``s, ``SegmentCheckMarker``s); nil: neither is sent.
    let broadcast: (@Sendable (InboxInput) async throws -> Void)?
    let logger: Logger
    /// The generation last installed; nil before the first load.
    private(set) var generation: Int64?

    /// - Parameters:
    ///   - install: puts versions into this node's engine (``JourneyEngine/adopt(_:)``).
    ///   - broadcast: appends an input to every shard's shared inbox.
    public init(
        registry: any ClusterJourneyRegistry, seeds: [JourneySeed], install: @escaping @Sendable ([StoredJourneyVersion]) async throws -> Void,
        broadcast: (@Sendable (InboxInput) async throws -> Void)? = nil, logger: Logger
    ) {
        self.registry = registry
        self.seeds = seeds
        self.install = install
        self.broadcast = broadcast
        self.logger = logger
    }

    /// Seeds the cluster from the journeys folder, then installs every version it has.
    public func start() async throws {
        let seeded = try await registry.seedJourneys(seeds)
        logger.info("journeys synchronised with the cluster", metadata: [
            "journeys.offered": "\(seeds.count)", "journeys.seeded": "\(seeded.sorted().joined(separator: ","))",
        ])
        try await load()
    }

    /// Installs the cluster's journeys if they changed since the last load.
    public func poll() async throws {
        let current = try await registry.journeysGeneration()
        guard current != generation else { return }
        try await load()
    }

    /// Deploys through the cluster's table and installs the result here at once. A new segment
    /// journey is then checked for every known customer, as on a single node: a
    /// ``SegmentCheckMarker`` goes to every shard's inbox (answered once all are durable).
    public func deploy(_ definition: JourneyDefinition, source: String?, at now: Date) async throws -> DeployOutcome {
        let outcome = try await registry.deployJourney(definition, source: source)
        try await load()
        logger.info("journey deployed to the cluster", metadata: [
            "journey.id": "\(outcome.journeyID)", "journey.version": "\(outcome.version)", "change": "\(outcome.change.rawValue)",
        ])
        if outcome.change == .deployed, case .segment = definition.entry.trigger, let broadcast {
            try await broadcast(SegmentCheckMarker(journeyID: outcome.journeyID, version: outcome.version, at: now).inboxInput)
        }
        return outcome
    }

    /// Whether ``undeploy(_:exitRunsAt:)`` can end runs at once.
    public nonisolated var canExitRuns: Bool { broadcast != nil }

    /// Undeploys through the cluster's table; false when no version was active. With `exitRunsAt`,
    /// then puts an ``ExitRunsMarker`` into every shard's inbox, so every shard's owner ends the
    /// journey's runs; the answer comes once every marker is durable.
    public func undeploy(_ journeyID: String, exitRunsAt: Date? = nil) async throws -> Bool {
        let changed = try await registry.undeployJourney(journeyID)
        try await load()
        guard changed else { return false }
        logger.info("journey undeployed from the cluster", metadata: ["journey.id": "\(journeyID)", "runs.exit": "\(exitRunsAt != nil)"])
        if let exitRunsAt, let broadcast {
            try await broadcast(ExitRunsMarker(journeyID: journeyID, at: exitRunsAt).inboxInput)
        }
        return true
    }

    private func load() async throws {
        let (current, versions) = try await registry.journeyVersions()
        try await install(versions)
        generation = max(generation ?? current, current)
    }
}
