import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyYAML
import Logging
import Testing
import WaymarkTestSupport

/// A whole engine on in-memory stores and a virtual clock: ingest, timers, versions.
@Suite struct EngineFlowTests {
    static let start = Date(timeIntervalSince1970: 1_709_283_600)  // 2024-03-01T09:00:00Z

    static func journey(_ yaml: String) throws -> JourneyDefinition {
        let parsed = JourneyFileParser.parse(text: yaml, file: "test.yaml")
        #expect(!parsed.hasErrors, "\(parsed.diagnostics)")
        return try #require(parsed.definition)
    }

    static let cart = """
        journey: cart
        entry: { event: add_to_cart }
        exit: [{ event: purchase }]
        steps:
          - id: grace
            wait_for: { event: purchase, timeout: 1h }
          - id: remind
            send: { channel: [push, email], message: "come back" }
        """

    struct Harness {
        let engine: JourneyEngine
        let clock: VirtualClock
        let observer: RecordingObserver
        let stores: [InMemoryShardStore]

        init(shards: Int = 4) {
            clock = VirtualClock(start: EngineFlowTests.start)
            observer = RecordingObserver()
            stores = (0..<shards).map { _ in InMemoryShardStore() }
            engine = JourneyEngine(
                configuration: EngineConfiguration(shardCount: shards), stores: stores, clock: clock,
                observer: observer, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }

        func event(_ customer: String, _ name: String, id: String? = nil, at offset: TimeInterval = 0) -> InboxInput {
            let time = EngineFlowTests.start.addingTimeInterval(offset)
            return InboxInput(payload: .event(CustomerEvent(id: id, customerID: customer, name: name, time: time)), acceptedAt: time)
        }
    }

    @Test func aTimerFiresWhenTheVirtualClockPassesIt() async throws {
        let harness = Harness()
        try await harness.engine.deploy([Self.journey(Self.cart)])
        let running = Task { try await harness.engine.run() }
        let results = try await harness.engine.ingest([harness.event("c1", "add_to_cart"), harness.event("c2", "add_to_cart")])
        #expect(results.allSatisfy { if case .appended = $0 { true } else { false } })
        await harness.observer.waitForInputs(2)
        #expect(await harness.observer.actions.map(\.action) == [.enter, .enter])
        harness.clock.advance(by: 3600)
        await harness.observer.wait { snapshot in snapshot.actions.count { $0.action == .send } == 2 }
        let sends = await harness.observer.actions.filter { $0.action == .send }
        #expect(sends.map(\.channel) == ["push", "push"])
        #expect(sends.allSatisfy { $0.time == Self.start.addingTimeInterval(3600) })
        harness.engine.stop()
        try await running.value
    }

    @Test func aDuplicateEventIDIsIgnored() async throws {
        let harness = Harness()
        try await harness.engine.deploy([Self.journey(Self.cart)])
        let running = Task { try await harness.engine.run() }
        let first = try await harness.engine.ingest([harness.event("c1", "add_to_cart", id: "e1")])
        let second = try await harness.engine.ingest([harness.event("c1", "add_to_cart", id: "e1")])
        #expect(first.count == 1)
        #expect(second == [.duplicate])
        await harness.observer.waitForInputs(1)
        harness.engine.stop()
        try await running.value
        #expect(await harness.observer.inputs == 1)
    }

    @Test func runsInFlightFinishOnTheirVersion() async throws {
        let harness = Harness(shards: 1)
        try await harness.engine.deploy([Self.journey(Self.cart)])
        let running = Task { try await harness.engine.run() }
        _ = try await harness.engine.ingest([harness.event("c1", "add_to_cart")])
        await harness.observer.waitForInputs(1)
        let changed = Self.cart.replacingOccurrences(of: "[push, email]", with: "[email]")
        let outcomes = try await harness.engine.deploy([Self.journey(changed)])
        #expect(outcomes.map(\.version) == [2])
        #expect(try await harness.engine.deploy([Self.journey(changed)]).map(\.change) == [.unchanged])
        _ = try await harness.engine.ingest([harness.event("c2", "add_to_cart")])
        await harness.observer.waitForInputs(2)
        harness.clock.advance(by: 3600)
        await harness.observer.wait { snapshot in snapshot.actions.count { $0.action == .send } == 2 }
        let sends = await harness.observer.actions.filter { $0.action == .send }.sorted { $0.customer < $1.customer }
        #expect(sends.map(\.version) == [1, 2])
        #expect(sends.map(\.channel) == ["push", "email"])
        harness.engine.stop()
        try await running.value
    }
}
