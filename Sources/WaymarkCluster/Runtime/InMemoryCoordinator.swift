import Foundation
import JourneyRuntime

/// A ``ClusterCoordinator`` in memory, for tests: the same rules as
/// ``PostgresCoordinator`` (the lease decisions are ``LeaseTable``'s), with the
/// "database clock" injected, and a switch that makes it stop answering, as a
/// database cut off from a node would.
public actor InMemoryCoordinator: ClusterCoordinator {
    private var shardCount: Int?
    private var table = LeaseTable(shardCount: 0)
    private var nodes: [String: (node: ClusterNode, lastSeen: Date)] = [:]
    private var inboxes: [Int: [InboxEntry]] = [:]
    private var lastSequence: [Int: Int64] = [:]
    private var seen: Set<String> = []
    private var snapshots: [Int: ShardSnapshot] = [:]
    private var deliveries: [String: (epoch: Int64, owner: String, delivered: Bool, takeovers: Int)] = [:]
    private var scheduleMarks: [Int: [String: Date]] = [:]
    private let now: @Sendable () -> Date
    /// While true every call fails, as if the database were unreachable.
    public private(set) var isUnreachable = false

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public func setUnreachable(_ unreachable: Bool) { isUnreachable = unreachable }

    /// Every lease, for assertions.
    public var leases: [Lease] { table.leases }

    /// Keys delivered and how many times a claim was taken over from an older epoch.
    public var ledger: [String: (delivered: Bool, takeovers: Int)] { deliveries.mapValues { ($0.delivered, $0.takeovers) } }

    private func reachable() throws {
        if isUnreachable { throw ClusterError(.database, "the in-memory database is unreachable") }
    }

    public func join(_ node: ClusterNode, shardCount: Int) async throws {
        try reachable()
        if let existing = self.shardCount, existing != shardCount {
            throw ClusterError(.shardCountMismatch, "the cluster was created with \(existing) shards", context: ["cluster.shards": "\(existing)"])
        }
        if self.shardCount == nil {
            self.shardCount = shardCount
            table = LeaseTable(shardCount: shardCount)
        }
        nodes[node.incarnation] = (node, now())
    }

    public func heartbeat(_ node: ClusterNode, nodeTimeout: Duration) async throws -> ClusterView {
        try reachable()
        let now = now()
        nodes[node.incarnation] = (node, now)
        let live = nodes.values.filter { now.timeIntervalSince($0.lastSeen) < nodeTimeout.seconds }.map(\.node)
        return ClusterView(shardCount: shardCount ?? 0, nodes: live.sorted { $0.incarnation < $1.incarnation }, leases: table.leases, now: now)
    }

    public func acquire(shard: Int, owner: String, ttl: Duration) async throws -> LeaseGrant? {
        try reachable()
        let now = now()
        guard case .granted(let lease) = table.handle(.acquire(shard: shard, owner: owner, ttl: ttl, now: now)).first else { return nil }
        return LeaseGrant(lease, now: now)
    }

    public func renew(owner: String, epochs: [Int: Int64], ttl: Duration) async throws -> [LeaseGrant] {
        try reachable()
        let now = now()
        return epochs.keys.sorted().compactMap { shard in
            guard case .granted(let lease) = table.handle(.renew(shard: shard, owner: owner, epoch: epochs[shard]!, ttl: ttl, now: now)).first
            else { return nil }
            return LeaseGrant(lease, now: now)
        }
    }

    public func release(shard: Int, owner: String, epoch: Int64) async throws {
        try reachable()
        _ = table.handle(.release(shard: shard, owner: owner, epoch: epoch, now: now()))
    }

    public func leave(_ node: ClusterNode) async throws {
        try reachable()
        nodes.removeValue(forKey: node.incarnation)
    }

    public func append(shard: Int, _ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        try reachable()
        return inputs.map { input in
            if let key = input.deduplicationKey, !seen.insert("\(shard)/\(key)").inserted { return .duplicate }
            let sequence = (lastSequence[shard] ?? 0) + 1
            lastSequence[shard] = sequence
            let entry = InboxEntry(sequence: sequence, input: input)
            inboxes[shard, default: []].append(entry)
            return .appended(entry)
        }
    }

    public func inbox(shard: Int, after sequence: Int64, limit: Int) async throws -> [InboxEntry] {
        try reachable()
        return Array((inboxes[shard] ?? []).filter { $0.sequence > sequence }.prefix(limit))
    }

    public func saveSnapshot(_ snapshot: ShardSnapshot, owner: String, epoch: Int64) async throws {
        try reachable()
        try verify(shard: snapshot.shard, owner: owner, epoch: epoch)
        if (snapshots[snapshot.shard]?.appliedSequence ?? 0) <= snapshot.appliedSequence { snapshots[snapshot.shard] = snapshot }
        inboxes[snapshot.shard]?.removeAll { $0.sequence <= snapshot.appliedSequence }
    }

    public func latestSnapshot(shard: Int) async throws -> ShardSnapshot? {
        try reachable()
        return snapshots[shard]
    }

    public func claimDelivery(key: String, shard: Int, owner: String, epoch: Int64) async throws -> DeliveryClaim {
        try reachable()
        try verify(shard: shard, owner: owner, epoch: epoch)
        guard let existing = deliveries[key] else {
            deliveries[key] = (epoch, owner, false, 0)
            return .claimed
        }
        guard !existing.delivered, existing.epoch <= epoch else { return .alreadyDelivered }
        deliveries[key] = (epoch, owner, false, existing.takeovers + (existing.epoch < epoch ? 1 : 0))
        return .claimed
    }

    public func confirmDelivery(key: String, owner: String, epoch: Int64) async throws {
        try reachable()
        guard let existing = deliveries[key], existing.owner == owner, existing.epoch == epoch else { return }
        deliveries[key]?.delivered = true
    }

    public func appendScheduleTick(shard: Int, tick: ScheduleTickMarker, owner: String, epoch: Int64) async throws -> Bool {
        try reachable()
        try verify(shard: shard, owner: owner, epoch: epoch)
        if let mark = scheduleMarks[shard]?[tick.journeyID], mark >= tick.at { return false }
        scheduleMarks[shard, default: [:]][tick.journeyID] = tick.at
        let sequence = (lastSequence[shard] ?? 0) + 1
        lastSequence[shard] = sequence
        inboxes[shard, default: []].append(InboxEntry(sequence: sequence, input: tick.inboxInput))
        return true
    }

    public func scheduleMarks(shard: Int) async throws -> [String: Date] {
        try reachable()
        return scheduleMarks[shard] ?? [:]
    }

    private func verify(shard: Int, owner: String, epoch: Int64) throws {
        guard case .verified = table.handle(.verify(shard: shard, owner: owner, epoch: epoch, now: now())).first else {
            throw ClusterError(.fenced, "the lease of shard \(shard) is no longer held by \(owner) at epoch \(epoch)", context: ["shard.id": "\(shard)"])
        }
    }
}
