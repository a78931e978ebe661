import Foundation

/// Decides, from this node's own clock alone, which shards it may still process.
///
/// A lease is granted for a time measured on the database's clock. The node
/// cannot read that clock, but it knows when it *sent* the request that got the
/// grant: the lease cannot end before `sentAt + remaining` on the node's
/// monotonic clock. The node stops processing a shard `safetyMargin` before that
/// local deadline — before the lease can expire — so a node that cannot renew
/// in time (paused, slow, cut off from the database) stops by itself, and by the
/// time another node may take the shard over, this one has long been quiet.
///
/// Everything that acts on a shard (the shard loop, snapshot uploads, the
/// delivery ledger) asks ``mayProcess(shard:epoch:at:)`` first.
public struct SelfFence: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public enum Input: Sendable {
        /// An acquire or renew answered with a lease; `sentAt` is when the request left this node.
        case granted(LeaseGrant, sentAt: Instant)
        /// The database refused a renew: the lease is gone.
        case lost(shard: Int)
        /// This node gave the shard up (handoff or drain).
        case released(shard: Int)
        /// Time passed: stop whatever is too close to its deadline.
        case tick(now: Instant)
    }

    public enum StopReason: String, Sendable, Hashable {
        /// The local view says the lease may expire within the safety margin.
        case leaseMayExpire = "lease_may_expire"
        case leaseLost = "lease_lost"
        case released
    }

    public enum Action: Sendable, Hashable {
        /// A new epoch of a shard may start: restore and run it.
        case start(shard: Int, epoch: Int64)
        /// Stop processing the shard now; `epoch` is the ownership that ends.
        case stop(shard: Int, epoch: Int64, reason: StopReason)
    }

    struct Held: Sendable, Hashable {
        var epoch: Int64
        /// On this node's clock: the lease cannot end before this instant.
        var deadline: Instant
    }

    public let safetyMargin: Duration
    private(set) var held: [Int: Held] = [:]
    /// The last epoch of each shard that stopped here: a late grant for it never restarts it.
    private var ended: [Int: Int64] = [:]

    public init(safetyMargin: Duration) {
        precondition(safetyMargin > .zero, "the safety margin must be positive")
        self.safetyMargin = safetyMargin
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch input {
        case .granted(let grant, let sentAt):
            let deadline = sentAt.advanced(by: grant.remaining)
            // A grant that leaves no time beyond the margin is useless: never start on it.
            if let current = held[grant.shard] {
                if current.epoch == grant.epoch {
                    held[grant.shard]!.deadline = max(current.deadline, deadline)
                    return []
                }
                if grant.epoch < current.epoch { return [] }  // a late answer about an older ownership
                held[grant.shard] = Held(epoch: grant.epoch, deadline: deadline)
                ended[grant.shard] = current.epoch
                return [.stop(shard: grant.shard, epoch: current.epoch, reason: .leaseLost), .start(shard: grant.shard, epoch: grant.epoch)]
            }
            if let last = ended[grant.shard], grant.epoch <= last { return [] }
            guard grant.remaining > safetyMargin else { return [] }
            held[grant.shard] = Held(epoch: grant.epoch, deadline: deadline)
            return [.start(shard: grant.shard, epoch: grant.epoch)]
        case .lost(let shard):
            guard let current = held.removeValue(forKey: shard) else { return [] }
            ended[shard] = current.epoch
            return [.stop(shard: shard, epoch: current.epoch, reason: .leaseLost)]
        case .released(let shard):
            guard let current = held.removeValue(forKey: shard) else { return [] }
            ended[shard] = current.epoch
            return [.stop(shard: shard, epoch: current.epoch, reason: .released)]
        case .tick(let now):
            var actions: [Action] = []
            for shard in held.keys.sorted() where !isSafe(held[shard]!, at: now) {
                let current = held.removeValue(forKey: shard)!
                ended[shard] = current.epoch
                actions.append(.stop(shard: shard, epoch: current.epoch, reason: .leaseMayExpire))
            }
            return actions
        }
    }

    /// Whether this node may act on `shard` under `epoch` at `now`: it holds that epoch and the
    /// lease cannot expire within the safety margin.
    public func mayProcess(shard: Int, epoch: Int64, at now: Instant) -> Bool {
        guard let current = held[shard], current.epoch == epoch else { return false }
        return isSafe(current, at: now)
    }

    /// The shards held, with their epochs (what the renew loop renews).
    public var heldEpochs: [Int: Int64] { held.mapValues(\.epoch) }

    /// When the next shard must stop if nothing is renewed (the watchdog sleeps until then).
    public var nextStop: Instant? {
        held.values.map { $0.deadline.advanced(by: .zero - safetyMargin) }.min()
    }

    private func isSafe(_ held: Held, at now: Instant) -> Bool {
        now < held.deadline.advanced(by: .zero - safetyMargin)
    }
}
