import Foundation
import JourneyModel
import JourneyRuntime

extension JourneyEngine {
    /// Deploys journeys. A changed journey gets a new version that takes new entries;
    /// runs in flight finish on the version they started on. Deploying unchanged content
    /// is a no-op. A new segment journey is checked at once for every known customer.
    @discardableResult
    public func deploy(_ definitions: [JourneyDefinition]) async throws -> [DeployOutcome] {
        try await recoverCatalog()
        var outcomes: [DeployOutcome] = []
        let now = clock.now()
        for definition in definitions {
            let hash = Self.contentHash(of: definition)
            let existing = versions[definition.id] ?? []
            if let latest = existing.last, latest.contentHash == hash, latest.active {
                outcomes.append(DeployOutcome(journeyID: definition.id, version: latest.version, change: .unchanged))
                continue
            }
            let number = max(definition.version ?? 0, (existing.last?.version ?? 0) + 1)
            let stored = StoredJourneyVersion(journeyID: definition.id, version: number, definition: definition, contentHash: hash, deployedAt: now, active: true)
            for store in stores { try await store.saveJourneyVersion(stored) }
            versions[definition.id, default: []].append(stored)
            catalog.deploy(DeployedJourney(definition: definition, version: number))
            outcomes.append(DeployOutcome(journeyID: definition.id, version: number, change: .deployed))
            logger.info("journey deployed", metadata: ["journey.id": "\(definition.id)", "journey.version": "\(number)"])
        }
        await publishCatalog()
        let segmentJourneys = outcomes.filter { outcome in
            guard outcome.change == .deployed, case .segment = catalog.activeVersion(of: outcome.journeyID)?.definition.entry.trigger else { return false }
            return true
        }
        if !segmentJourneys.isEmpty {
            try await enqueueForEveryCustomer(at: now) { _ in .checkSegments }
        }
        return outcomes
    }

    /// Stops new entries into a journey. Its runs finish, or with `exitRuns` end at once
    /// with reason `undeployed`.
    public func undeploy(_ journeyID: String, exitRuns: Bool = false) async throws {
        try await recoverCatalog()
        guard var latest = versions[journeyID]?.last, latest.active else {
            throw EngineError(.unknownJourney, "no deployed journey `\(journeyID)`", context: ["journey.id": journeyID])
        }
        latest.active = false
        for store in stores { try await store.saveJourneyVersion(latest) }
        versions[journeyID]![versions[journeyID]!.count - 1] = latest
        catalog.undeploy(journeyID)
        await publishCatalog()
        logger.info("journey undeployed", metadata: ["journey.id": "\(journeyID)", "runs.exit": "\(exitRuns)"])
        if exitRuns {
            try await enqueueForEveryCustomer(at: clock.now()) { _ in .undeploy(journeyID: journeyID) }
        }
    }

    /// The versions taking new entries, from the data directory as well as this process's deploys.
    public func activeJourneys() async throws -> [DeployedJourney] {
        try await recoverCatalog()
        return catalog.activeJourneys
    }

    /// Loads stored versions once, so numbering continues where the data directory left off.
    func recoverCatalog() async throws {
        guard !recovered else { return }
        recovered = true
        let stored = try await stores.first?.recover().journeyVersions ?? []
        versions = Dictionary(grouping: stored, by: \.journeyID).mapValues { $0.sorted { $0.version < $1.version } }
        catalog = JourneyCatalog(restoring: stored)
    }

    func publishCatalog() async {
        for shard in shards { await shard.setCatalog(catalog) }
        catalogChanged.ring()
    }

    /// Queues an engine-made input for every customer every shard knows.
    func enqueueForEveryCustomer(at time: Date, _ input: (String) -> CustomerInput) async throws {
        for (index, store) in stores.enumerated() {
            let ids = try await store.customerIDs()
            shards[index].enqueue(ids.map { .system(customerID: $0, input: input($0), time: time) })
        }
    }

    /// A stable digest of a definition: equal definitions always hash equal, across processes.
    public static func contentHash(of definition: JourneyDefinition) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(definition)) ?? Data()
        return String(StableHash.fnv1a64(String(decoding: data, as: UTF8.self)), radix: 16)
    }
}
