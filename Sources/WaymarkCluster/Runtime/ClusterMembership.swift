import Foundation
import Logging

/// The membership loop of one node: renews its leases, heartbeats, balances, and
/// starts and stops shard runners as the self-fence allows. All its decisions are
/// made by the pure machines (``SelfFence`` through ``FenceBoard``, ``Balancer``);
/// this actor performs them against the coordinator.
actor ClusterMembership {
    struct Running {
        let runner: ShardRunner
        let task: Task<Void, Never>
    }

    let node: ClusterNode
    let context: ShardRunnerContext
    var balancer: Balancer
    var running: [Int: Running] = [:]
    var draining = false
    /// Shards being handed over: their runner's end is expected, not a failure.
    var handingOver: Set<Int> = []
    let logger: Logger

    var coordinator: any ClusterCoordinator { context.coordinator }
    var fence: FenceBoard { context.fence }
    var settings: ClusterSettings { context.settings }

    init(node: ClusterNode, context: ShardRunnerContext, logger: Logger) {
        self.node = node
        self.context = context
        self.balancer = Balancer(me: node.incarnation, configuration: context.settings.balancer)
        self.logger = logger
    }

    /// One round: renew what is held, heartbeat, then acquire or hand over as the balancer says.
    func round() async {
        let held = fence.heldEpochs
        if !held.isEmpty {
            let sentAt = fence.instant
            do {
                let grants = try await coordinator.renew(owner: node.incarnation, epochs: held, ttl: settings.leaseDuration)
                for grant in grants { perform(fence.handle(.granted(grant, sentAt: sentAt))) }
                let renewed = Set(grants.map(\.shard))
                for (shard, _) in held where !renewed.contains(shard) {
                    logger.warning("lease lost", metadata: ["shard.id": "\(shard)"])
                    perform(fence.handle(.lost(shard: shard)))
                }
            } catch {
                logger.error("renewing leases failed; shards stop by themselves if this lasts", metadata: ["error": "\(error)"])
            }
        }
        perform(fence.tick())
        let view: ClusterView
        do {
            var me = node
            me.draining = draining
            view = try await coordinator.heartbeat(me, nodeTimeout: settings.nodeTimeout)
        } catch {
            logger.error("heartbeat failed", metadata: ["error": "\(error)"])
            return
        }
        for action in balancer.handle(.observe(view, now: fence.instant)) {
            switch action {
            case .acquire(let shard): await acquire(shard)
            case .release(let shard): await handOver(shard)
            }
        }
    }

    /// Stops the shards whose safe window closed (the watchdog calls this often).
    func watch() {
        perform(fence.tick())
    }

    /// Graceful shutdown: hand every shard over (final snapshot, then release) and leave.
    func drain() async {
        draining = true
        _ = balancer.handle(.drain)
        for shard in running.keys.sorted() { await handOver(shard) }
        for (shard, epoch) in fence.heldEpochs {
            try? await coordinator.release(shard: shard, owner: node.incarnation, epoch: epoch)
            perform(fence.handle(.released(shard: shard)))
        }
        do {
            try await coordinator.leave(node)
        } catch {
            logger.warning("leaving the cluster failed; the heartbeat will simply age out", metadata: ["error": "\(error)"])
        }
        logger.info("node left the cluster")
    }

    private func acquire(_ shard: Int) async {
        let sentAt = fence.instant
        do {
            guard let grant = try await coordinator.acquire(shard: shard, owner: node.incarnation, ttl: settings.leaseDuration) else { return }
            let actions = fence.handle(.granted(grant, sentAt: sentAt))
            if actions.isEmpty {
                // Granted too late to be of use: give it back at once.
                try await coordinator.release(shard: shard, owner: node.incarnation, epoch: grant.epoch)
                return
            }
            logger.info("lease acquired", metadata: ["shard.id": "\(shard)", "lease.epoch": "\(grant.epoch)"])
            perform(actions)
        } catch {
            logger.error("acquiring a lease failed", metadata: ["shard.id": "\(shard)", "error": "\(error)"])
        }
    }

    private func handOver(_ shard: Int) async {
        guard let epoch = fence.heldEpochs[shard] else { return }
        handingOver.insert(shard)
        defer { handingOver.remove(shard) }
        if let current = running[shard] {
            current.runner.requestStop(.handoff)
            if await !Doorbell.wait(for: [current.task], upTo: settings.leaseDuration) {
                // Released anyway: the fence forbids the runner everything from here on, and every shared
                // write it might still try is refused by the epoch check.
                logger.warning("a shard did not stop in time for its handoff", metadata: ["shard.id": "\(shard)"])
                current.runner.requestStop(.immediately)
            }
        }
        do {
            try await coordinator.release(shard: shard, owner: node.incarnation, epoch: epoch)
            logger.info("lease released", metadata: ["shard.id": "\(shard)", "lease.epoch": "\(epoch)"])
        } catch {
            logger.error("releasing a lease failed; it will expire", metadata: ["shard.id": "\(shard)", "error": "\(error)"])
        }
        perform(fence.handle(.released(shard: shard)))
    }

    private func perform(_ actions: [SelfFence.Action]) {
        for action in actions {
            switch action {
            case .start(let shard, let epoch):
                guard !draining else { continue }
                let runner = ShardRunner(shard: shard, epoch: epoch, context: context)
                let logger = logger
                let task = Task {
                    do {
                        try await runner.run()
                    } catch {
                        logger.error("shard runner failed", metadata: ["shard.id": "\(shard)", "lease.epoch": "\(epoch)", "error": "\(error)"])
                    }
                    await self.runnerEnded(shard: shard, epoch: epoch)
                }
                running[shard] = Running(runner: runner, task: task)
            case .stop(let shard, let epoch, let reason):
                guard let current = running[shard], current.runner.epoch == epoch else { continue }
                logger.notice("shard stops", metadata: ["shard.id": "\(shard)", "lease.epoch": "\(epoch)", "reason": "\(reason.rawValue)"])
                current.runner.requestStop(reason == .released ? .handoff : .immediately)
            }
        }
    }

    /// A runner ended. If it ended on its own (a failure) while the lease is still held, give the lease back.
    private func runnerEnded(shard: Int, epoch: Int64) async {
        if running[shard]?.runner.epoch == epoch { running.removeValue(forKey: shard) }
        guard fence.heldEpochs[shard] == epoch, !draining, !handingOver.contains(shard) else { return }
        if running[shard] == nil {
            perform(fence.handle(.released(shard: shard)))
            try? await coordinator.release(shard: shard, owner: node.incarnation, epoch: epoch)
        }
    }

    var runningShards: [Int] { running.keys.sorted() }
}
