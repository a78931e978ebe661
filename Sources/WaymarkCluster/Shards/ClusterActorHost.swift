import Distributed
import Foundation
import JourneyEngine
import JourneyRuntime

/// The customers a cluster node owns: those whose shard runs here now, in a
/// ``ShardRunner``. Their actors are activated through the runner's engine shard,
/// so a call from another node sees exactly the state the shard loop works on.
public struct ClusterActorHost: LocalActorHost {
    let local: LocalShards
    let shardCount: Int

    public init(local: LocalShards, shardCount: Int) {
        self.local = local
        self.shardCount = shardCount
    }

    public func holds(_ id: CustomerActorID) -> Bool {
        local.engineShard(shard(of: id)) != nil
    }

    public func activate(_ id: CustomerActorID) async throws -> (any DistributedActor)? {
        guard let engine = local.engineShard(shard(of: id)) else { return nil }
        return try await engine.actor(for: id.customerID)
    }

    func shard(of id: CustomerActorID) -> Int {
        StableHash.shard(of: id.customerID, shardCount: shardCount)
    }
}
