import Distributed
import Foundation
import JourneyEngine
import JourneyRuntime
import Synchronization

/// The customers one test node owns, by shard, and their actors (made on first call).
/// Customer ids starting with `customer-` get a real ``CustomerActor``; others a ``Recorder``.
final class TestActorHost: LocalActorHost {
    private struct State {
        var shards: Set<Int> = []
        var actors: [CustomerActorID: any DistributedActor] = [:]
        var system: WaymarkActorSystem?
    }

    let node: String
    let shardCount: Int
    private let state = Mutex(State())

    init(node: String, shardCount: Int) {
        self.node = node
        self.shardCount = shardCount
    }

    func attach(_ system: WaymarkActorSystem) {
        state.withLock { $0.system = system }
    }

    func take(shard: Int) { state.withLock { _ = $0.shards.insert(shard) } }

    /// Gives the shard up, and forgets its actors (as a stopped shard runner does).
    func drop(shard: Int) {
        state.withLock { state in
            state.shards.remove(shard)
            state.actors = state.actors.filter { self.shard(of: $0.key) != shard }
        }
    }

    func shard(of id: CustomerActorID) -> Int {
        StableHash.shard(of: id.customerID, shardCount: shardCount)
    }

    func holds(_ id: CustomerActorID) -> Bool {
        state.withLock { $0.shards.contains(shard(of: id)) }
    }

    func activate(_ id: CustomerActorID) async throws -> (any DistributedActor)? {
        state.withLock { state in
            guard state.shards.contains(shard(of: id)), let system = state.system else { return nil }
            if let actor = state.actors[id] { return actor }
            let actor: any DistributedActor =
                id.customerID.hasPrefix("customer-")
                ? system.makeActor(id: id) { CustomerActor(state: CustomerState(customerID: id.customerID), actorSystem: system) }
                : system.makeActor(id: id) { Recorder(node: node, actorSystem: system) }
            state.actors[id] = actor
            return actor
        }
    }
}
