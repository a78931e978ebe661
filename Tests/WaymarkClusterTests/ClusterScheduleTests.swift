import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging
import Testing
import WaymarkCluster
import WaymarkTestSupport

/// Schedule (cron) entries in cluster mode, against a real PostgreSQL: shard runners on the
/// real coordinator, the journey's clock virtual. A tick reaches every matching customer of a
/// shard once, whoever owns the shard, even when its owner dies before any snapshot.
@Suite(.enabled(if: PostgresTestDatabase.shouldRun, "needs WAYMARK_TEST_POSTGRES_URL (set by .ci/run)"), .serialized, .timeLimit(.minutes(3)))
struct ClusterScheduleTests {
    static let saturdayTick = SchedulePlanTests.at("2026-03-28T08:00:00Z")  // 09:00 CET
    static let sundayTick = SchedulePlanTests.at("2026-03-29T07:00:00Z")  // 09:00 CEST, after spring forward

    static func journey() -> StoredJourneyVersion {
        let definition = JourneyDefinition(
            id: "daily", timezone: "Europe/Berlin",
            entry: Entry(trigger: .schedule(cron: try! CronSchedule.parse("0 9 * * *"), audience: try! JourneyModel.Expression.parse("profile.tier == 'gold'"))),
            steps: [Step(id: "hello", action: .send(Send(channel: .single("email"), template: "hello")))])
        return StoredJourneyVersion(
            journeyID: "daily", version: 1, definition: definition, contentHash: "1", deployedAt: SchedulePlanTests.at("2026-03-27T12:00:00Z"), active: true)
    }

    /// One shard runner for one epoch, on a frozen fence (it may always process) and the shared virtual clock.
    struct RunningShard {
        let runner: ShardRunner
        let local: LocalShards
        let task: Task<Void, any Error>

        init(owner: String, grant: LeaseGrant, coordinator: PostgresCoordinator, clock: VirtualClock, folder: URL) async throws {
            let instant = ContinuousClock.now
            let fence = FenceBoard(safetyMargin: .seconds(1), now: { instant })
            fence.handle(.granted(grant, sentAt: instant))
            let local = LocalShards()
            try await ClusterShardStore(shard: 0, local: local).saveJourneyVersion(ClusterScheduleTests.journey())
            var settings = ClusterSettings(postgresURL: "postgres://unused", nodeID: owner, advertise: "127.0.0.1:1")
            settings.snapshotInterval = .seconds(3600)  // no snapshot unless handed over: a stop is a crash
            settings.pollInterval = .milliseconds(20)
            let logger = Logger(label: owner, factory: { _ in SwiftLogNoOpLogHandler() })
            let context = ShardRunnerContext(
                coordinator: coordinator, fence: fence, local: local, owner: owner, workDirectory: folder.appendingPathComponent(owner),
                channels: .everyChannel, passivation: PassivationPolicy(), actorSystem: WaymarkActorSystem(), relay: nil, observer: nil,
                clock: clock, settings: settings, storeOptions: .init(synchronous: .normal), logger: logger)
            let runner = ShardRunner(shard: 0, epoch: grant.epoch, context: context)
            self.runner = runner
            self.local = local
            self.task = Task { try await runner.run() }
        }

        /// Entries into the journey per customer, as this runner's working store has them.
        func entries() async throws -> [String: Int] {
            guard let store = local.store(0) else { return [:] }
            var counts: [String: Int] = [:]
            for id in try await store.customerIDs() {
                counts[id] = try await store.customer(id)?.history["daily"]?.runCount ?? 0
            }
            return counts
        }
    }

    func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }

    @Test func aTickIsNeitherDoubledNorLostWhenTheOwnerDiesBeforeAnySnapshot() async throws {
        let database = try await PostgresTestDatabase.make()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-schedule-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await database.withCoordinator { coordinator in
            try await coordinator.join(ClusterNode(incarnation: "a#1", nodeID: "a", advertise: ""), shardCount: 1)
            let clock = VirtualClock(start: SchedulePlanTests.at("2026-03-28T07:00:00Z"))
            let start = clock.now()
            let gold = (0..<10).map { "gold-\($0)" }, silver = (0..<10).map { "silver-\($0)" }
            let profiles = (gold.map { ($0, "gold") } + silver.map { ($0, "silver") }).map { id, tier in
                InboxInput(payload: .profile(ProfileChange(customerID: id, attributes: ["tier": .string(tier)])), acceptedAt: start)
            }
            _ = try await coordinator.append(shard: 0, profiles)

            let first = try #require(try await coordinator.acquire(shard: 0, owner: "a#1", ttl: .seconds(60)))
            let a = try await RunningShard(owner: "a#1", grant: first, coordinator: coordinator, clock: clock, folder: folder)
            try await eventually("the first owner knows every customer") { try await a.entries().count == 20 }
            clock.advance(to: Self.saturdayTick.addingTimeInterval(30))
            try await eventually("Saturday's tick reached the gold customers") {
                try await a.entries().filter { $0.value == 1 }.keys.sorted() == gold.sorted()
            }
            // A late customer, after the tick: not owed Saturday's tick.
            _ = try await coordinator.append(shard: 0, [InboxInput(payload: .profile(ProfileChange(customerID: "gold-late", attributes: ["tier": .string("gold")])), acceptedAt: clock.now())])
            try await eventually("the late customer is known") { try await a.entries()["gold-late"] == 0 }

            // The owner dies: no final snapshot, and its lease ends. Sunday's tick falls due while nobody owns the shard.
            a.runner.requestStop(.immediately)
            try await a.task.value
            #expect(try await coordinator.latestSnapshot(shard: 0) == nil)
            try await coordinator.release(shard: 0, owner: "a#1", epoch: first.epoch)
            clock.advance(to: Self.sundayTick.addingTimeInterval(60))

            let second = try #require(try await coordinator.acquire(shard: 0, owner: "b#1", ttl: .seconds(60)))
            let b = try await RunningShard(owner: "b#1", grant: second, coordinator: coordinator, clock: clock, folder: folder)
            try await eventually("the new owner replayed Saturday's tick and fired Sunday's") {
                let entries = try await b.entries()
                return entries.count == 21 && gold.allSatisfy { entries[$0] == 2 } && entries["gold-late"] == 1
            }
            let entries = try await b.entries()
            #expect(silver.allSatisfy { entries[$0] == 0 }, "the audience holds in cluster mode too")
            #expect(try await coordinator.scheduleMarks(shard: 0) == ["daily": Self.sundayTick])
            let markers = try await database.column("SELECT count(*)::text FROM waymark_inbox WHERE shard = 0 AND customer_id = ''")
            #expect(markers == ["2"], "one marker per tick, none fired twice")

            // The old owner, waking up, can fire nothing; the new one cannot fire a tick again.
            let stale = await #expect(throws: ClusterError.self) {
                try await coordinator.appendScheduleTick(shard: 0, tick: ScheduleTickMarker(journeyID: "daily", at: Self.sundayTick), owner: "a#1", epoch: first.epoch)
            }
            #expect(stale?.code == .fenced)
            #expect(try await coordinator.appendScheduleTick(
                shard: 0, tick: ScheduleTickMarker(journeyID: "daily", at: Self.sundayTick), owner: "b#1", epoch: second.epoch) == false)

            // A handoff keeps the marks with the snapshot: the next owner fires nothing again.
            b.runner.requestStop(.handoff)
            try await b.task.value
            try await coordinator.release(shard: 0, owner: "b#1", epoch: second.epoch)
            let third = try #require(try await coordinator.acquire(shard: 0, owner: "c#1", ttl: .seconds(60)))
            let c = try await RunningShard(owner: "c#1", grant: third, coordinator: coordinator, clock: clock, folder: folder)
            try await eventually("the third owner restored the snapshot") { try await c.entries() == entries }
            clock.advance(to: Self.sundayTick.addingTimeInterval(120))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await c.entries() == entries, "no tick is due again")
            c.runner.requestStop(.immediately)
            try await c.task.value
        }
    }
}
