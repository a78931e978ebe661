import Foundation
import JourneyModel
import JourneyRuntime
import Logging

/// The engine every mode runs: a node, the simulator and the tests. It owns
/// the shards, routes inputs to them by a stable hash of the customer id,
/// deploys journey versions, and drives schedule ticks.
///
/// It has no HTTP in it; the node puts an API in front of it.
public actor JourneyEngine {
    public let configuration: EngineConfiguration
    public nonisolated let shards: [Shard]
    /// One per shard when sends are delivered (a node); none in the simulator.
    public nonisolated let relays: [OutboxRelay]
    let stores: [any ShardStore]
    let clock: any JourneyClock
    let logger: Logger
    let actorSystem: WaymarkActorSystem
    var catalog = JourneyCatalog()
    var versions: [String: [StoredJourneyVersion]] = [:]
    var recovered = false
    /// Rung by ``stop()``.
    nonisolated let stopRequest = Wakeup()
    /// Rung when the deployed journeys change, so the schedule loop recomputes its next tick.
    nonisolated let catalogChanged = Wakeup()

    public init(
        configuration: EngineConfiguration, stores: [any ShardStore], clock: any JourneyClock,
        actorSystem: WaymarkActorSystem = WaymarkActorSystem(), observer: (any ShardObserver)? = nil,
        relay: OutboxRelay.Configuration? = nil, seed: UInt64 = 0, logger: Logger
    ) {
        precondition(stores.count == configuration.shardCount, "one store per shard")
        self.configuration = configuration
        self.stores = stores
        self.clock = clock
        self.logger = logger
        self.actorSystem = actorSystem
        let interpreter = Interpreter(
            catalog: JourneyCatalog(), channels: configuration.channels, predictsSegmentRechecks: configuration.predictsSegmentRechecks,
            emitsDeliveries: configuration.emitsDeliveries)
        let start = clock.now()
        let relays: [OutboxRelay] = relay.map { relay in
            stores.enumerated().map { index, store -> OutboxRelay in
                var relayLogger = logger
                relayLogger[metadataKey: "shard.id"] = "\(index)"
                return OutboxRelay(store: store, configuration: relay, clock: clock, seed: seed &+ UInt64(index), logger: relayLogger)
            }
        } ?? []
        self.relays = relays
        shards = stores.enumerated().map { index, store in
            Shard(
                index: index, store: store, interpreter: interpreter, actorSystem: actorSystem,
                passivation: configuration.passivation, backlog: configuration.backlog, start: start,
                observer: RelayingObserver(relay: relays.isEmpty ? nil : relays[index], next: observer), logger: logger)
        }
    }

    /// The shard that holds a customer.
    public nonisolated func shard(of customerID: String) -> Shard {
        shards[StableHash.shard(of: customerID, shardCount: shards.count)]
    }

    /// Accepts inputs; returns once every one of them is durable in its shard's inbox.
    /// Results are in input order; an event whose id was seen before is a `.duplicate`.
    public nonisolated func ingest(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        var byShard: [Int: [(offset: Int, input: InboxInput)]] = [:]
        for (offset, input) in inputs.enumerated() {
            byShard[StableHash.shard(of: input.customerID, shardCount: shards.count), default: []].append((offset, input))
        }
        if byShard.count == 1, let (index, items) = byShard.first {
            return try await shards[index].accept(items.map(\.input))
        }
        var results = [InboxAppendResult](repeating: .duplicate, count: inputs.count)
        try await withThrowingTaskGroup(of: [(Int, InboxAppendResult)].self) { group in
            for (index, items) in byShard {
                let shard = shards[index]
                group.addTask {
                    let appended = try await shard.accept(items.map(\.input))
                    return zip(items.map(\.offset), appended).map { ($0, $1) }
                }
            }
            for try await answered in group {
                for (offset, result) in answered { results[offset] = result }
            }
        }
        return results
    }

    /// The customer's state, wherever it is (resident actor or stored snapshot).
    public nonisolated func customerState(_ customerID: String) async throws -> CustomerState? {
        try await shard(of: customerID).customerState(customerID)
    }

    /// The customer's most recent actions, oldest first.
    public nonisolated func recentActions(of customerID: String, limit: Int = 50) async throws -> [ActionRecord] {
        try await stores[StableHash.shard(of: customerID, shardCount: shards.count)].recentActions(of: customerID, limit: limit)
    }

    /// The deployed journeys.
    public var deployedCatalog: JourneyCatalog { catalog }

    /// Every stored version of every journey.
    public var journeyVersions: [StoredJourneyVersion] {
        versions.keys.sorted().flatMap { versions[$0]! }
    }
}
