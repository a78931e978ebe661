import Foundation
import JourneyEngine
import JourneyRuntime
import JourneyStorage
import Logging

/// What every shard runner of a node shares: the coordinator, the fence, the local
/// working stores, and the engine pieces a shard is built from.
public struct ShardRunnerContext: Sendable {
    public var coordinator: any ClusterCoordinator
    public var fence: FenceBoard
    public var local: LocalShards
    /// The lease owner name: this node's incarnation.
    public var owner: String
    /// Where the working SQLite files of the shards run here live (wiped on each takeover).
    public var workDirectory: URL
    public var channels: ChannelRules
    public var passivation: PassivationPolicy
    public var actorSystem: WaymarkActorSystem
    /// The node's channel adapters; each runner wraps them in the delivery ledger. Nil: no deliveries.
    public var relay: OutboxRelay.Configuration?
    public var observer: (any ShardObserver)?
    public var clock: any JourneyClock
    public var settings: ClusterSettings
    public var storeOptions: SQLiteShardStore.Options
    public var logger: Logger

    public init(
        coordinator: any ClusterCoordinator, fence: FenceBoard, local: LocalShards, owner: String, workDirectory: URL,
        channels: ChannelRules, passivation: PassivationPolicy, actorSystem: WaymarkActorSystem, relay: OutboxRelay.Configuration?,
        observer: (any ShardObserver)?, clock: any JourneyClock, settings: ClusterSettings, storeOptions: SQLiteShardStore.Options,
        logger: Logger
    ) {
        self.coordinator = coordinator
        self.fence = fence
        self.local = local
        self.owner = owner
        self.workDirectory = workDirectory
        self.channels = channels
        self.passivation = passivation
        self.actorSystem = actorSystem
        self.relay = relay
        self.observer = observer
        self.clock = clock
        self.settings = settings
        self.storeOptions = storeOptions
        self.logger = logger
    }

    /// The node's adapters, each wrapped in the ledger for one ownership of one shard.
    func ledgerRelay(shard: Int, epoch: Int64, logger: Logger) -> OutboxRelay.Configuration? {
        guard var relay else { return nil }
        let wrap = { (adapter: any ChannelAdapter) -> any ChannelAdapter in
            LedgerChannelAdapter(inner: adapter, shard: shard, owner: owner, epoch: epoch, coordinator: coordinator, fence: fence, logger: logger)
        }
        relay.adapters = relay.adapters.mapValues(wrap)
        relay.defaultAdapter = relay.defaultAdapter.map(wrap)
        return relay
    }
}

/// Tells a runner's outbox relay about new sends, then passes the batch on.
struct RunnerObserver: ShardObserver {
    let relay: OutboxRelay?
    let next: (any ShardObserver)?

    func shardCommitted(_ batch: CommittedBatch) async {
        if !batch.outbox.isEmpty { relay?.notify() }
        await next?.shardCommitted(batch)
    }
}
