import Foundation
import JourneyEngine
import JourneyRuntime
import JourneyStorage
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// A node's membership in a cluster, as a service: joins (checking the shard count),
/// then renews leases, heartbeats and balances every `renewInterval`, while a
/// watchdog stops any shard whose safe window closes. On graceful shutdown it
/// hands every shard over (final snapshot, then release, without waiting for
/// expiry) and leaves.
///
/// ``inbox`` is where the node's API puts accepted inputs; ``local`` is what the
/// engine's read façade (``ClusterShardStore``) reads from.
public final class ClusterService: Service, Sendable {
    public let node: ClusterNode
    public let settings: ClusterSettings
    public let inbox: ClusterInbox
    public let local: LocalShards
    let client: PostgresClient?
    let membership: ClusterMembership
    let context: ShardRunnerContext
    let logger: Logger
    /// Keeps this node's journeys in step with the cluster's; nil: the node deploys its own (tests).
    let journeys: ClusterJourneySync?
    private let joined = Mutex(false)

    /// - Parameters:
    ///   - client: the PostgreSQL client the coordinator uses, run (and stopped) by this service; nil when
    ///     the coordinator needs none.
    ///   - instant: this node's monotonic clock, which the self-fence measures leases on.
    ///   - makeContext: builds the runner context from the pieces this service creates.
    ///   - incarnationNonce: tells this process apart from an earlier one of the same node id; the
    ///     caller draws it (randomness stays at the edge, so tests can fix it).
    ///   - journeys: installs the cluster's journeys after joining, before any shard runs, and then
    ///     follows the cluster's changes every `journeyPollInterval`.
    public init(
        settings: ClusterSettings, shardCount: Int, coordinator: any ClusterCoordinator, client: PostgresClient?,
        incarnationNonce: UInt32,
        local: LocalShards = LocalShards(),
        journeys: ClusterJourneySync? = nil,
        instant: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        makeContext: (_ coordinator: any ClusterCoordinator, _ fence: FenceBoard, _ local: LocalShards, _ owner: String) -> ShardRunnerContext,
        logger: Logger
    ) {
        let incarnation = "\(settings.nodeID)#\(String(incarnationNonce, radix: 16))"
        var logger = logger
        logger[metadataKey: "node.id"] = "\(settings.nodeID)"
        let node = ClusterNode(incarnation: incarnation, nodeID: settings.nodeID, advertise: settings.advertise)
        let fence = FenceBoard(safetyMargin: settings.safetyMargin, now: instant)
        self.node = node
        self.settings = settings
        self.local = local
        self.client = client
        self.inbox = ClusterInbox(shardCount: shardCount, coordinator: coordinator, local: local)
        self.context = makeContext(coordinator, fence, local, incarnation)
        self.membership = ClusterMembership(node: node, context: context, logger: logger)
        self.logger = logger
        self.journeys = journeys
        shardCountValue = shardCount
    }

    private let shardCountValue: Int

    /// True once the node joined the cluster and installed the cluster's journeys.
    public var isJoined: Bool { joined.withLock { $0 } }

    /// The shards this node runs now.
    public var runningShards: [Int] { local.runningShards }

    /// Whether this node may act on `shard` at this instant (it holds the lease, and the lease
    /// cannot expire within the safety margin).
    public func mayProcess(shard: Int) -> Bool {
        guard let epoch = context.fence.heldEpochs[shard] else { return false }
        return context.fence.mayProcess(shard: shard, epoch: epoch)
    }

    public func run() async throws {
        // The pool must outlive graceful shutdown (the drain still writes), so it does not run in this task's tree.
        let pool = client.map { client in Task.detached { await client.run() } }
        defer { pool?.cancel() }
        try await join()
        if let journeys { try await synchronise(journeys) }
        joined.withLock { $0 = true }
        let journeyPoll = journeys.map { journeys in
            Task { [settings, logger] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: settings.journeyPollInterval)
                    do {
                        try await journeys.poll()
                    } catch {
                        if !Task.isCancelled { logger.error("reading the cluster's journeys failed; will retry", metadata: ["error": "\(error)"]) }
                    }
                }
            }
        }
        defer { journeyPoll?.cancel() }
        let rounds = Task { [membership, settings] in
            while !Task.isCancelled {
                await membership.round()
                try? await Task.sleep(for: settings.renewInterval)
            }
        }
        let watchdog = Task { [membership] in
            while !Task.isCancelled {
                await membership.watch()
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        try? await gracefulShutdown()
        logger.info("cluster node draining: handing its shards over")
        await membership.drain()
        rounds.cancel()
        watchdog.cancel()
        // A round stuck on an unanswered call must not keep the process from exiting.
        if await !Doorbell.wait(for: [rounds, watchdog], upTo: .seconds(5)) {
            logger.warning("a membership round did not finish; stopping without it")
        }
        logger.info("cluster node stopped")
    }

    /// Seeds and installs the cluster's journeys, retrying while PostgreSQL is unreachable: no shard
    /// may run on this node before it has them, or it would apply events without their journeys.
    private func synchronise(_ journeys: ClusterJourneySync) async throws {
        var delay: Duration = .milliseconds(200)
        while true {
            do {
                try await journeys.start()
                return
            } catch let error as ClusterError where error.code == .corruptData {
                throw error
            } catch {
                logger.error("loading the cluster's journeys failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Joins, retrying while PostgreSQL is unreachable; a shard count mismatch is final.
    private func join() async throws {
        var delay: Duration = .milliseconds(200)
        while true {
            do {
                try await context.coordinator.join(node, shardCount: shardCountValue)
                logger.info("joined the cluster", metadata: [
                    "node.incarnation": "\(node.incarnation)", "node.advertise": "\(node.advertise)", "cluster.shards": "\(shardCountValue)",
                ])
                return
            } catch let error as ClusterError where error.code == .shardCountMismatch {
                throw error
            } catch {
                logger.error("joining the cluster failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
