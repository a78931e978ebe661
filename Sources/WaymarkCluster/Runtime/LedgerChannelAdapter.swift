import Foundation
import JourneyEngine
import Logging

/// Wraps a channel adapter so that a send leaves at most once per idempotency key
/// across the whole cluster, and never from a node that lost the shard.
///
/// Before the inner adapter runs, the key is claimed in the delivery ledger in a
/// transaction that checks this owner's epoch; a key already delivered (by this
/// node before a restart, or by an earlier owner of the shard) is skipped. Right
/// before sending, the self-fence is asked again: a node paused between the claim
/// and the send wakes up past its safe window and sends nothing. After the send,
/// the claim is confirmed. A node that dies between sending and confirming leaves
/// the claim open; the next owner takes it over and sends again with the same
/// key (the only case a receiver may see a key twice, counted as a takeover in
/// the ledger).
public struct LedgerChannelAdapter: ChannelAdapter {
    let inner: any ChannelAdapter
    let shard: Int
    let owner: String
    let epoch: Int64
    let coordinator: any ClusterCoordinator
    let fence: FenceBoard
    let logger: Logger

    public init(
        inner: any ChannelAdapter, shard: Int, owner: String, epoch: Int64, coordinator: any ClusterCoordinator, fence: FenceBoard,
        logger: Logger
    ) {
        self.inner = inner
        self.shard = shard
        self.owner = owner
        self.epoch = epoch
        self.coordinator = coordinator
        self.fence = fence
        self.logger = logger
    }

    public func deliver(_ delivery: Delivery) async throws {
        try checkFence(delivery, stage: "claim")
        let claim: DeliveryClaim
        do {
            claim = try await coordinator.claimDelivery(key: delivery.idempotencyKey, shard: shard, owner: owner, epoch: epoch)
        } catch let error as ClusterError {
            throw DeliveryError(retryable: true, "the delivery ledger refused the claim: \(error)")
        }
        if claim == .alreadyDelivered {
            logger.debug("already delivered; skipped", metadata: ["idempotency_key": "\(delivery.idempotencyKey)"])
            return
        }
        try checkFence(delivery, stage: "send")
        try await inner.deliver(delivery)
        do {
            try await coordinator.confirmDelivery(key: delivery.idempotencyKey, owner: owner, epoch: epoch)
        } catch {
            // Sent but not recorded: the claim stays open and a later owner may send the same key again.
            logger.warning("a delivery left but its confirmation failed", metadata: [
                "idempotency_key": "\(delivery.idempotencyKey)", "error": "\(error)",
            ])
        }
    }

    private func checkFence(_ delivery: Delivery, stage: String) throws {
        guard fence.mayProcess(shard: shard, epoch: epoch) else {
            logger.notice("delivery held back: this node may no longer act on the shard", metadata: [
                "idempotency_key": "\(delivery.idempotencyKey)", "delivery.stage": "\(stage)", "lease.epoch": "\(epoch)",
            ])
            throw DeliveryError(retryable: true, "shard \(shard) is fenced on this node (epoch \(epoch))")
        }
    }
}
