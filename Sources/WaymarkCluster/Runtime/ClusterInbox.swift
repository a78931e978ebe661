import Foundation
import JourneyEngine
import JourneyRuntime
import Logging

/// Where a cluster node's API puts accepted inputs: the shared inbox in PostgreSQL.
/// Inputs are routed to their shard by the same stable hash every node uses, and
/// each shard's appends from this node are group-committed: requests arriving while
/// a transaction is in flight go together in the next one. `ingest` returns once
/// the transaction holding its inputs committed, so an acknowledged event is durable.
public final class ClusterInbox: InputSink {
    let shardCount: Int
    let appenders: [InboxAppender]
    let local: LocalShards

    public init(shardCount: Int, coordinator: any ClusterCoordinator, local: LocalShards) {
        self.shardCount = shardCount
        self.local = local
        self.appenders = (0..<shardCount).map { InboxAppender(shard: $0, coordinator: coordinator) }
    }

    public func ingest(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        var byShard: [Int: [(offset: Int, input: InboxInput)]] = [:]
        for (offset, input) in inputs.enumerated() {
            byShard[StableHash.shard(of: input.customerID, shardCount: shardCount), default: []].append((offset, input))
        }
        var results = [InboxAppendResult](repeating: .duplicate, count: inputs.count)
        try await withThrowingTaskGroup(of: [(Int, InboxAppendResult)].self) { group in
            for (shard, items) in byShard {
                let appender = appenders[shard]
                let local = local
                group.addTask {
                    let appended = try await appender.append(items.map(\.input))
                    local.wake(shard)
                    return zip(items.map(\.offset), appended).map { ($0, $1) }
                }
            }
            for try await answered in group {
                for (offset, result) in answered { results[offset] = result }
            }
        }
        return results
    }
}

/// Group commit for one shard's appends from this node.
actor InboxAppender {
    private struct Request {
        let inputs: [InboxInput]
        let continuation: CheckedContinuation<[InboxAppendResult], any Error>
    }

    let shard: Int
    let coordinator: any ClusterCoordinator
    private var waiting: [Request] = []
    private var committing = false

    init(shard: Int, coordinator: any ClusterCoordinator) {
        self.shard = shard
        self.coordinator = coordinator
    }

    func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        guard !inputs.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            waiting.append(Request(inputs: inputs, continuation: continuation))
            if !committing {
                committing = true
                Task { await self.commitWaiting() }
            }
        }
    }

    /// Commits everything waiting in one transaction, again and again until nothing waits.
    private func commitWaiting() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            do {
                let results = try await coordinator.append(shard: shard, batch.flatMap(\.inputs))
                var offset = 0
                for request in batch {
                    request.continuation.resume(returning: Array(results[offset..<offset + request.inputs.count]))
                    offset += request.inputs.count
                }
            } catch {
                for request in batch { request.continuation.resume(throwing: error) }
            }
        }
        committing = false
    }
}
