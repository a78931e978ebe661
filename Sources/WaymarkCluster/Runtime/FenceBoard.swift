import Foundation
import Synchronization

/// The node's ``SelfFence``, shared by everything that acts on shards: the
/// membership loop feeds it grants and losses, the watchdog ticks it, and shard
/// loops and the delivery ledger ask it before every step. Reads the injected
/// monotonic clock, never the wall clock.
public final class FenceBoard: Sendable {
    private let fence: Mutex<SelfFence>
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(safetyMargin: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.fence = Mutex(SelfFence(safetyMargin: safetyMargin))
        self.now = now
    }

    /// The local instant, from the injected clock.
    public var instant: ContinuousClock.Instant { now() }

    @discardableResult
    public func handle(_ input: SelfFence.Input) -> [SelfFence.Action] {
        fence.withLock { $0.handle(input) }
    }

    /// Stops whatever is too close to its deadline, now.
    public func tick() -> [SelfFence.Action] {
        let instant = now()
        return fence.withLock { $0.handle(.tick(now: instant)) }
    }

    /// Whether this node may act on `shard` under `epoch` at this instant.
    public func mayProcess(shard: Int, epoch: Int64) -> Bool {
        let instant = now()
        return fence.withLock { $0.mayProcess(shard: shard, epoch: epoch, at: instant) }
    }

    public var heldEpochs: [Int: Int64] { fence.withLock { $0.heldEpochs } }

    public var nextStop: ContinuousClock.Instant? { fence.withLock { $0.nextStop } }
}
