/// Tells a shard's outbox relay about new messages, then passes the batch on.
struct RelayingObserver: ShardObserver {
    let relay: OutboxRelay?
    let next: (any ShardObserver)?

    func shardCommitted(_ batch: CommittedBatch) async {
        if !batch.outbox.isEmpty { relay?.notify() }
        await next?.shardCommitted(batch)
    }
}
