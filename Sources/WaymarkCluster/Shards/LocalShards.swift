import Foundation
import JourneyEngine
import JourneyRuntime
import Synchronization

/// What this node holds locally in cluster mode: the working store of every shard
/// it currently runs, and the journey versions it deployed. Shared by the shard
/// runners (which attach and detach their stores) and by the engine's read façade
/// (``ClusterShardStore``), so the node's API reads owned customers from the
/// store their shard loop commits to.
public final class LocalShards: Sendable {
    private struct State {
        var stores: [Int: (epoch: Int64, store: any ShardStore, doorbell: Doorbell)] = [:]
        /// The engine shard of each shard running here, whose actors remote calls reach.
        var engines: [Int: (epoch: Int64, shard: Shard)] = [:]
        var versions: [String: StoredJourneyVersion] = [:]
        var versionsChanged = 0
    }

    private let state = Mutex(State())
    /// The delivery outcomes of the shard runners' relays, for the node's metrics.
    public let relays = RelayOutcomes()

    public init() {}

    /// The engine shards running here, by shard index (the node's gauges read them).
    public var engineShards: [Shard] {
        state.withLock { state in state.engines.keys.sorted().compactMap { state.engines[$0]?.shard } }
    }

    func attach(shard: Int, epoch: Int64, store: any ShardStore, doorbell: Doorbell) {
        state.withLock { $0.stores[shard] = (epoch, store, doorbell) }
    }

    /// Wakes the shard's loop, if it runs here (new inbox entries were just appended).
    func wake(_ shard: Int) {
        state.withLock { $0.stores[shard]?.doorbell }?.ring()
    }

    func detach(shard: Int, epoch: Int64) {
        state.withLock { state in
            if state.stores[shard]?.epoch == epoch { state.stores.removeValue(forKey: shard) }
            if state.engines[shard]?.epoch == epoch { state.engines.removeValue(forKey: shard) }
        }
    }

    /// Publishes the engine shard of a running shard, for calls to its customers' actors.
    func attachEngine(shard: Int, epoch: Int64, engine: Shard) {
        state.withLock { $0.engines[shard] = (epoch, engine) }
    }

    /// The engine shard of a shard this node runs, or nil.
    public func engineShard(_ shard: Int) -> Shard? {
        state.withLock { $0.engines[shard]?.shard }
    }

    /// The store of a shard this node runs, or nil.
    public func store(_ shard: Int) -> (any ShardStore)? {
        state.withLock { $0.stores[shard]?.store }
    }

    /// The shards running here.
    public var runningShards: [Int] {
        state.withLock { $0.stores.keys.sorted() }
    }

    func saveVersion(_ version: StoredJourneyVersion) {
        state.withLock { state in
            state.versions["\(version.journeyID)#\(version.version)"] = version
            state.versionsChanged += 1
        }
    }

    /// Every journey version deployed on this node, and a counter that moves when they change.
    var versions: (versions: [StoredJourneyVersion], generation: Int) {
        state.withLock { state in
            (state.versions.values.sorted { ($0.journeyID, $0.version) < ($1.journeyID, $1.version) }, state.versionsChanged)
        }
    }
}
