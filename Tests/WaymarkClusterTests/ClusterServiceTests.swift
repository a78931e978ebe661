import Foundation
import JourneyEngine
import JourneyRuntime
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import WaymarkCluster

/// A node's cluster service in process, on the in-memory coordinator: self-fencing when the
/// database stops answering, and a graceful handoff that needs no lease to expire.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ClusterServiceTests {
    static let shardCount = 4

    static func settings(_ name: String, lease: Duration = .milliseconds(1_500)) -> ClusterSettings {
        var settings = ClusterSettings(postgresURL: "postgres://unused", nodeID: name, advertise: "127.0.0.1:1")
        settings.leaseDuration = lease
        settings.renewInterval = .milliseconds(250)
        settings.safetyMargin = .milliseconds(500)
        settings.nodeTimeout = .seconds(1)
        settings.snapshotInterval = .milliseconds(200)
        settings.pollInterval = .milliseconds(20)
        settings.balancer = Balancer.Configuration(maximumMovesPerRound: 4, moveInterval: .milliseconds(100))
        return settings
    }

    /// A running cluster service; `stop()` shuts it down gracefully (drain) and waits for it.
    struct RunningNode {
        let service: ClusterService
        let group: ServiceGroup
        let task: Task<Void, any Error>

        init(_ name: String, coordinator: any ClusterCoordinator, folder: URL, clocks: ManualClocks? = nil, lease: Duration = .milliseconds(1_500)) {
            let logger = Logger(label: name, factory: { _ in SwiftLogNoOpLogHandler() })
            let settings = ClusterServiceTests.settings(name, lease: lease)
            let instant: @Sendable () -> ContinuousClock.Instant
            if let clocks { instant = { clocks.instant } } else { instant = { ContinuousClock.now } }
            service = ClusterService(
                settings: settings, shardCount: ClusterServiceTests.shardCount, coordinator: coordinator, client: nil,
                incarnationNonce: UInt32.random(in: 0...UInt32.max), instant: instant,
                makeContext: { coordinator, fence, local, owner in
                    ShardRunnerContext(
                        coordinator: coordinator, fence: fence, local: local, owner: owner, workDirectory: folder.appendingPathComponent(name),
                        channels: .everyChannel, passivation: PassivationPolicy(), actorSystem: WaymarkActorSystem(), relay: nil, observer: nil,
                        clock: SystemClock(), settings: settings, storeOptions: .init(synchronous: .normal), logger: logger)
                },
                logger: logger)
            group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [service], logger: logger))
            task = Task { [group] in try await group.run() }
        }

        func stop() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    /// Polls until `condition` holds. The timeout only ends a test that is failing anyway, so it is
    /// as long as the other suites' (30 s): with 10 s, a fresh-clone CI run on a loaded machine
    /// (600 tests starting at once on two cores) once timed out before the node had opened its
    /// four shards, in a run where nothing had changed since the last one passed.
    func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }

    /// The node's clock and the database's are injected and stand still unless the test moves them,
    /// so what the fence decides does not depend on how busy the machine is.
    @Test func aNodeCutOffFromTheDatabaseStopsItsShardsBeforeTheirLeasesCanExpire() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-service-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clocks = ManualClocks()
        let coordinator = InMemoryCoordinator(now: { clocks.date })
        let node = RunningNode("solo", coordinator: coordinator, folder: folder, clocks: clocks)
        try await eventually("the node runs every shard") { node.service.runningShards.count == Self.shardCount }
        let expiries = Set(await coordinator.leases.map(\.expiresAt))
        #expect(expiries == [clocks.date.addingTimeInterval(1.5)], "granted and renewed at the same (frozen) instant")

        await coordinator.setUnreachable(true)
        clocks.advance(.milliseconds(900))
        #expect((0..<Self.shardCount).allSatisfy { node.service.mayProcess(shard: $0) }, "0.6 s left: still safe")
        clocks.advance(.milliseconds(200))
        // 0.4 s before the leases can expire (on the database's clock), within the 0.5 s margin: nothing may run.
        #expect(clocks.date < expiries.first!)
        #expect((0..<Self.shardCount).allSatisfy { !node.service.mayProcess(shard: $0) })
        try await eventually("the node stopped every shard") { node.service.runningShards.isEmpty }

        // The database comes back after the leases expired: the node takes its shards again, with new epochs.
        clocks.advance(.milliseconds(500))
        await coordinator.setUnreachable(false)
        try await eventually("the node runs every shard again") { node.service.runningShards.count == Self.shardCount }
        #expect(await coordinator.leases.allSatisfy { $0.epoch == 2 })
        try await node.stop()
    }

    @Test func aDrainingNodeHandsItsShardsOverWithASnapshotWithoutWaitingForExpiry() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-service-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let coordinator = InMemoryCoordinator(now: { Date() })
        // Leases far longer than the test: a lease that ends here was released, never left to expire,
        // and a loaded machine cannot make the node fence itself mid-drain.
        let first = RunningNode("first", coordinator: coordinator, folder: folder, lease: .seconds(60))
        try await eventually("the first node runs every shard") { first.service.runningShards.count == Self.shardCount }
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        let inputs = (0..<40).map { InboxInput(payload: .event(CustomerEvent(id: "e\($0)", customerID: "customer-\($0)", name: "visit", time: time)), acceptedAt: time) }
        #expect(try await first.service.inbox.ingest(inputs).allSatisfy { $0 != .duplicate })
        try await eventually("every event is applied") { try await Self.customers(first.service).count == 40 }

        try await first.stop()
        // Released (no owner) at the epoch it was taken with: handed over, not expired and taken again.
        #expect(await coordinator.leases.allSatisfy { $0.owner == nil && $0.epoch == 1 })
        var snapshotted = 0
        for shard in 0..<Self.shardCount { snapshotted += try await coordinator.latestSnapshot(shard: shard)?.customers.count ?? 0 }
        #expect(snapshotted == 40, "the final snapshots hold every customer")

        let second = RunningNode("second", coordinator: coordinator, folder: folder)
        try await eventually("the second node runs every shard") { second.service.runningShards.count == Self.shardCount }
        #expect(await coordinator.leases.allSatisfy { $0.epoch == 2 })
        #expect(try await Self.customers(second.service).count == 40, "restored from the snapshots")
        try await second.stop()
    }

    static func customers(_ service: ClusterService) async throws -> Set<String> {
        var ids: Set<String> = []
        for shard in service.runningShards {
            ids.formUnion(try await service.local.store(shard)?.customerIDs() ?? [])
        }
        return ids
    }
}

/// A monotonic instant and a wall-clock date that move together, only when told to.
final class ManualClocks: Sendable {
    private let startInstant = ContinuousClock.now
    private let startDate = Date(timeIntervalSince1970: 1_800_000_000)
    private let offset = Mutex<Duration>(.zero)

    func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
    var instant: ContinuousClock.Instant { startInstant.advanced(by: offset.withLock { $0 }) }
    var date: Date { startDate.addingTimeInterval(offset.withLock { $0 }.seconds) }
}
