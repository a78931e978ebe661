import JourneyEngine
import JourneyRuntime
import Synchronization

/// Routing from a table set by hand: shard → node. For tests (ownership moves when
/// the test says so) and for fixed deployments without a coordinator.
///
/// It keeps two tables, the truth and this node's view, like a real node whose
/// view lags the lease table: ``assign(shard:to:)`` changes the truth only, and
/// ``refresh()`` copies it into the view.
public final class FixedPeerRouting: PeerRouting {
    private struct State {
        var truth: [Int: PeerAddress] = [:]
        var view: [Int: PeerAddress] = [:]
        var nodes: [PeerAddress] = []
        var refreshes = 0
    }

    public let shardCount: Int
    private let state = Mutex(State())

    public init(shardCount: Int) {
        self.shardCount = shardCount
    }

    /// The shard a customer belongs to (the same stable hash every node uses).
    public func shard(of id: CustomerActorID) -> Int {
        StableHash.shard(of: id.customerID, shardCount: shardCount)
    }

    /// Makes `peer` the owner of `shard` (nil: nobody), in the truth only.
    public func assign(shard: Int, to peer: PeerAddress?) {
        state.withLock { state in
            state.truth[shard] = peer
            if let peer, !state.nodes.contains(peer) { state.nodes.append(peer) }
        }
    }

    /// How many times the view was refreshed.
    public var refreshes: Int { state.withLock { $0.refreshes } }

    public func owner(of id: CustomerActorID) async throws -> PeerAddress {
        let shard = shard(of: id)
        guard let peer = state.withLock({ $0.view[shard] }) else {
            throw ActorSystemError(.noOwner, "nobody owns shard \(shard)", context: ["customer.id": id.customerID, "shard.id": "\(shard)"])
        }
        return peer
    }

    public func refresh() async {
        state.withLock { state in
            state.view = state.truth
            state.refreshes += 1
        }
    }

    public func liveNodes() async throws -> [PeerAddress] {
        state.withLock { $0.nodes }
    }

    public func maintain(listening: PeerAddress) async {}
}
