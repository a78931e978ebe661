import Foundation
import JourneyEngine
import JourneyRuntime
import Logging
import Synchronization
import WaymarkCluster

/// Routing from the cluster's tables in PostgreSQL: the lease table says which
/// incarnation owns a shard, the nodes table where it serves calls.
///
/// The view is refreshed every `refreshInterval` and after every `moved` answer
/// (at most once per `minimumRefreshGap`, so a burst of moved calls costs one
/// query). ``maintain(listening:)`` also publishes this node's own address, and
/// publishes it again if its row was re-created.
public final class CoordinatorPeerRouting: PeerRouting {
    struct View {
        var owners: [Int: PeerAddress] = [:]
        var nodes: [PeerAddress] = []
        var readAt: ContinuousClock.Instant
    }

    let coordinator: PostgresCoordinator
    /// This node's lease-owner name, set once the cluster service made it (``identify(incarnation:)``).
    private let incarnation = Mutex<String?>(nil)
    let shardCount: Int
    let nodeTimeout: Duration
    let refreshInterval: Duration
    let minimumRefreshGap: Duration = .milliseconds(25)
    let logger: Logger
    private let view = Mutex<View?>(nil)

    public init(
        coordinator: PostgresCoordinator, shardCount: Int, nodeTimeout: Duration,
        refreshInterval: Duration = .seconds(1), logger: Logger
    ) {
        self.coordinator = coordinator
        self.shardCount = shardCount
        self.nodeTimeout = nodeTimeout
        self.refreshInterval = refreshInterval
        self.logger = logger
    }

    /// Names this node as the cluster knows it, so that its address is published on its row.
    public func identify(incarnation name: String) {
        incarnation.withLock { $0 = name }
    }

    public func owner(of id: CustomerActorID) async throws -> PeerAddress {
        if view.withLock({ $0 == nil }) { await refresh() }
        let shard = StableHash.shard(of: id.customerID, shardCount: shardCount)
        guard let peer = view.withLock({ $0?.owners[shard] }) else {
            throw ActorSystemError(
                .noOwner, "no live node serving calls owns shard \(shard) now", context: ["customer.id": id.customerID, "shard.id": "\(shard)"])
        }
        return peer
    }

    public func refresh() async {
        if let last = view.withLock({ $0?.readAt }), ContinuousClock.now < last.advanced(by: minimumRefreshGap) { return }
        do {
            let endpoints = try await coordinator.endpoints(nodeTimeout: nodeTimeout)
            var byIncarnation: [String: PeerAddress] = [:]
            for node in endpoints.nodes {
                guard let address = PeerAddress(parsing: node.grpcAddress, envelopeVersion: node.envelopeVersion, name: node.incarnation) else { continue }
                byIncarnation[node.incarnation] = address
            }
            let owners = endpoints.owners.compactMapValues { byIncarnation[$0] }
            let nodes = byIncarnation.keys.sorted().compactMap { byIncarnation[$0] }
            view.withLock { $0 = View(owners: owners, nodes: nodes, readAt: .now) }
        } catch {
            logger.warning("reading the cluster's endpoints failed; keeping the last view", metadata: ["error": "\(error)"])
        }
    }

    public func liveNodes() async throws -> [PeerAddress] {
        if view.withLock({ $0 == nil }) { await refresh() }
        return view.withLock { $0?.nodes ?? [] }
    }

    public func maintain(listening: PeerAddress) async {
        while !Task.isCancelled {
            await publishIfNeeded(listening)
            await refresh()
            try? await Task.sleep(for: refreshInterval)
        }
    }

    /// Publishes this node's address until its row shows it (the row appears when the node joins).
    private func publishIfNeeded(_ address: PeerAddress) async {
        guard let incarnation = incarnation.withLock({ $0 }) else { return }
        let listed = view.withLock { $0?.nodes.contains { $0.name == incarnation && $0.key == address.key } ?? false }
        guard !listed else { return }
        do {
            if try await coordinator.publishEndpoint(
                incarnation: incarnation, grpcAddress: address.description, envelopeVersion: RemoteCallEnvelope.currentVersion)
            {
                logger.info("node-to-node address published", metadata: ["peer.address": "\(address)"])
            }
        } catch {
            logger.warning("publishing this node's gRPC address failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}
