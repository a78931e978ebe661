import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyStorage
import Logging
import Testing
import WaymarkTestSupport

/// Real SQLite files: timers survive a restart and fire in due order; actors passivate and
/// come back from their snapshots; schedules tick; undeploys end runs when asked.
@Suite struct EngineRestartTests {
    static let start = EngineFlowTests.start
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static let waits = """
        journey: waits
        entry: { event: signup }
        steps:
          - id: nap
            wait: 2h
          - id: hello
            send: { channel: email, message: "hello" }
        """

    static func engine(data: URL, clock: VirtualClock, observer: RecordingObserver, passivation: PassivationPolicy = PassivationPolicy()) throws -> JourneyEngine {
        let directory = try DataDirectory.openOrCreate(at: data, shardCount: 2, now: start)
        let stores: [any ShardStore] = try (0..<2).map { try directory.store(forShard: $0) }
        return JourneyEngine(
            configuration: EngineConfiguration(shardCount: 2, passivation: passivation), stores: stores, clock: clock,
            observer: observer, logger: quiet)
    }

    static func signup(_ customer: String, at offset: TimeInterval) -> InboxInput {
        let time = start.addingTimeInterval(offset)
        return InboxInput(payload: .event(CustomerEvent(customerID: customer, name: "signup", time: time)), acceptedAt: time)
    }

    @Test func overdueTimersFireAfterARestartInDueOrder() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let clock = VirtualClock(start: Self.start)
        let first = RecordingObserver()
        let engine = try Self.engine(data: workspace.url, clock: clock, observer: first)
        try await engine.deploy([EngineFlowTests.journey(Self.waits)])
        let running = Task { try await engine.run() }
        for (index, customer) in ["c3", "c1", "c2"].enumerated() {
            clock.advance(to: Self.start.addingTimeInterval(Double(index) * 60))
            _ = try await engine.ingest([Self.signup(customer, at: Double(index) * 60)])
        }
        await first.waitForInputs(3)
        engine.stop()
        try await running.value
        #expect(await first.actions.filter { $0.action == .send }.isEmpty)

        // A day later, a new process on the same data directory.
        let later = VirtualClock(start: Self.start.addingTimeInterval(86_400))
        let second = RecordingObserver()
        let restarted = try Self.engine(data: workspace.url, clock: later, observer: second)
        #expect(try await restarted.deploy([EngineFlowTests.journey(Self.waits)]).map(\.change) == [.unchanged])
        let again = Task { try await restarted.run() }
        await second.wait { $0.actions.count { $0.action == .send } == 3 }
        let sends = await second.actions.filter { $0.action == .send }
        #expect(Set(sends.map(\.customer)) == ["c1", "c2", "c3"])
        // Overdue timers fire promptly: the sends happen now, at the restart, not in the past.
        #expect(sends.allSatisfy { $0.time == later.now() })
        restarted.stop()
        try await again.value
    }

    @Test func idleActorsArePassivatedAndComeBackFromTheirSnapshot() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let clock = VirtualClock(start: Self.start)
        let observer = RecordingObserver()
        let engine = try Self.engine(data: workspace.url, clock: clock, observer: observer, passivation: PassivationPolicy(idleTimeout: 3_600, maximumResident: 1))
        try await engine.deploy([EngineFlowTests.journey(Self.waits)])
        let running = Task { try await engine.run() }
        _ = try await engine.ingest((1...6).map { Self.signup("c\($0)", at: 0) })
        await observer.waitForInputs(6)
        for shard in engine.shards {
            #expect(await shard.residentCustomers <= 1)
        }
        let state = try #require(try await engine.customerState("c4"))
        #expect(state.runs.map(\.stepID) == ["nap"])
        clock.advance(by: 7_200)
        await observer.wait { $0.actions.count { $0.action == .send } == 6 }
        engine.stop()
        try await running.value
    }

    @Test func aScheduleTicksForEveryKnownCustomerWhoseProfileMatches() async throws {
        let clock = VirtualClock(start: Self.start)
        let observer = RecordingObserver()
        let stores = [InMemoryShardStore(), InMemoryShardStore()]
        let engine = JourneyEngine(configuration: EngineConfiguration(shardCount: 2), stores: stores, clock: clock, observer: observer, logger: Self.quiet)
        let memberDay = """
            journey: member-day
            entry: { schedule: "0 10 * * *", audience: "profile.member == true" }
            steps:
              - id: hello
                send: { channel: email, message: "member day" }
            """
        try await engine.deploy([EngineFlowTests.journey(memberDay)])
        let running = Task { try await engine.run() }
        let profiles = [("m1", true), ("m2", true), ("n1", false)].map { id, member in
            InboxInput(payload: .profile(ProfileChange(customerID: id, attributes: ["member": .bool(member)])), acceptedAt: Self.start)
        }
        _ = try await engine.ingest(profiles)
        await observer.waitForInputs(3)
        // 09:00 → 10:00 UTC: one tick.
        clock.advance(by: 3_600)
        await observer.wait { $0.actions.count { $0.action == .send } == 2 }
        let sends = await observer.actions.filter { $0.action == .send }
        #expect(Set(sends.map(\.customer)) == ["m1", "m2"])
        #expect(sends.allSatisfy { $0.time == Self.start.addingTimeInterval(3_600) })
        engine.stop()
        try await running.value
    }

    @Test func undeployingWithExitRunsEndsThemAsUndeployed() async throws {
        let clock = VirtualClock(start: Self.start)
        let observer = RecordingObserver()
        let engine = JourneyEngine(configuration: EngineConfiguration(shardCount: 1), stores: [InMemoryShardStore()], clock: clock, observer: observer, logger: Self.quiet)
        try await engine.deploy([EngineFlowTests.journey(Self.waits)])
        let running = Task { try await engine.run() }
        _ = try await engine.ingest([Self.signup("c1", at: 0)])
        await observer.waitForInputs(1)
        try await engine.undeploy("waits", exitRuns: true)
        await observer.wait { $0.actions.contains { $0.action == .exit } }
        #expect(await observer.actions.last?.reason == "undeployed")
        // No new entries after an undeploy.
        _ = try await engine.ingest([Self.signup("c2", at: 0)])
        await observer.waitForInputs(3)
        #expect(await observer.actions.filter { $0.customer == "c2" }.isEmpty)
        engine.stop()
        try await running.value
    }

    /// With a memory window of one timer per shard, the other timers wait in SQLite and are
    /// read back page by page: in a running engine and after a restart, every one fires once.
    @Test(.timeLimit(.minutes(1))) func timersBeyondTheMemoryWindowFireFromTheStore() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let window = PassivationPolicy(timerWindow: 1)
        let customers = (1...30).map { "c\($0)" }
        let clock = VirtualClock(start: Self.start)
        let first = RecordingObserver()
        let engine = try Self.engine(data: workspace.url, clock: clock, observer: first, passivation: window)
        try await engine.deploy([EngineFlowTests.journey(Self.waits)])
        let running = Task { try await engine.run() }
        _ = try await engine.ingest(customers.prefix(15).enumerated().map { Self.signup($1, at: Double($0) * 60) })
        await first.waitForInputs(15)
        clock.advance(to: Self.start.addingTimeInterval(3 * 3_600))
        await first.wait { $0.actions.count { $0.action == .send } == 15 }
        // Fifteen more, then a restart before their timers are due.
        _ = try await engine.ingest(customers.suffix(15).enumerated().map { Self.signup($1, at: 3 * 3_600 + Double($0) * 60) })
        await first.waitForInputs(30 + 15)
        engine.stop()
        try await running.value

        let later = VirtualClock(start: Self.start.addingTimeInterval(86_400))
        let second = RecordingObserver()
        let restarted = try Self.engine(data: workspace.url, clock: later, observer: second, passivation: window)
        _ = try await restarted.deploy([EngineFlowTests.journey(Self.waits)])
        let again = Task { try await restarted.run() }
        await second.wait { $0.actions.count { $0.action == .send } == 15 }
        restarted.stop()
        try await again.value
        let sends = await first.actions.filter { $0.action == .send } + second.actions.filter { $0.action == .send }
        #expect(sends.map(\.customer).sorted() == customers.sorted(), "every customer's timer fired exactly once")
    }
}
