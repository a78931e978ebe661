/// How much accepted work a shard lets wait, and how much of it one commit applies.
///
/// A node can accept (append to a shard's inbox) faster than it applies (run the journeys
/// and commit their state): on the 2-core benchmark machine, before snapshots were read
/// ahead, about 90,000 against 45,000 events/s, and any journey heavier than the benchmark's
/// widens the gap again. Unbounded, the difference piled up in memory and was applied as one giant
/// batch, so under sustained load the node's memory grew and one commit held a customer's
/// send for seconds. With these limits an overloaded shard makes its callers wait for
/// their acknowledgement instead: accepted input never outruns applied input by more
/// than ``backlogLimit``, and what a node acknowledges is what it sustains.
public struct BacklogPolicy: Sendable, Hashable {
    /// The most queued work one commit applies. Bigger commits amortize the fsync, but hold
    /// the customers in them until the whole batch is applied.
    public var applyBatchLimit: Int
    /// Queued work at which the shard stops appending new input to its inbox until the apply
    /// loop has taken some: requests wait for their acknowledgement meanwhile. Due timers and
    /// engine-made work are queued regardless (they are already durable).
    public var backlogLimit: Int

    public init(applyBatchLimit: Int = 1_024, backlogLimit: Int = 8_192) {
        precondition(applyBatchLimit > 0 && backlogLimit > 0, "backlog limits are positive")
        self.applyBatchLimit = applyBatchLimit
        self.backlogLimit = backlogLimit
    }
}
