import Foundation
import JourneyModel
import JourneyRuntime
import Logging
import Testing

@testable import JourneyEngine

/// Idle resident customers keep their state packed (`compactAfter`). Packing is a
/// memory matter only: a shard that packs must decide, commit and answer exactly
/// what a shard that never packs does.
@Suite struct StateCompactionTests {
    static let start = Date(timeIntervalSince1970: 1_709_283_600)
    static let customers = (0..<20).map { "c\($0)" }

    /// One shard on its own in-memory store, fed the way the apply loop feeds it.
    struct Driver {
        let shard: Shard
        let store = InMemoryShardStore()
        var sequence: Int64 = 0

        init(compactAfter: TimeInterval) throws {
            let journey = try EngineFlowTests.journey(EngineFlowTests.cart)
            let catalog = JourneyCatalog([DeployedJourney(definition: journey, version: 1)])
            shard = Shard(
                index: 0, store: store, interpreter: Interpreter(catalog: catalog), actorSystem: WaymarkActorSystem(),
                passivation: PassivationPolicy(idleTimeout: .infinity, maximumResident: .max, timerWindow: nil, compactAfter: compactAfter),
                start: StateCompactionTests.start, observer: nil, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }

        mutating func event(_ customer: String, _ name: String, at offset: TimeInterval) async throws {
            sequence += 1
            let time = StateCompactionTests.start.addingTimeInterval(offset)
            let input = InboxInput(payload: .event(CustomerEvent(customerID: customer, name: name, time: time)), acceptedAt: time)
            try await shard.apply([.inbox(InboxEntry(sequence: sequence, input: input))])
        }

        func fireTimers(through offset: TimeInterval) async throws {
            let due = await shard.takeDueTimers(now: StateCompactionTests.start.addingTimeInterval(offset))
            try await shard.apply(due.map(ShardWork.timer))
        }

        func isCompact(_ customer: String) async throws -> Bool {
            await StateCompactionTests.isCompact(try await shard.actor(for: customer))
        }

        /// Run the same scenario: carts five seconds apart, a pause, the reminders, some purchases.
        mutating func play(checkpoint: (inout Driver) async throws -> Void = { _ in }) async throws {
            for (index, customer) in StateCompactionTests.customers.enumerated() {
                try await event(customer, "add_to_cart", at: Double(index) * 5)
            }
            try await event("late", "add_to_cart", at: 45 * 60)
            try await checkpoint(&self)
            try await fireTimers(through: 2 * 3600)
            for customer in StateCompactionTests.customers.enumerated().filter({ $0.offset.isMultiple(of: 2) }).map(\.element) {
                try await event(customer, "add_to_cart", at: 3 * 3600)
                try await event(customer, "purchase", at: 3 * 3600 + 60)
            }
            try await fireTimers(through: 6 * 3600)
        }
    }

    static func isCompact(_ actor: CustomerActor) async -> Bool {
        await actor.whenLocal { $0.isCompact } == true
    }

    @Test func customersIdlePastTheDelayArePackedAndTheNextInputUnpacksThem() async throws {
        var driver = try Driver(compactAfter: 30)
        try await driver.play { driver in
            // Every cart is at least 30 s older than the late customer's; the late one was just used.
            for customer in StateCompactionTests.customers { #expect(try await driver.isCompact(customer)) }
            #expect(try await !driver.isCompact("late"))
            // Reading a packed customer answers its state and leaves it packed.
            let actor = try await driver.shard.actor(for: "c3")
            let snapshot = try await actor.snapshot()
            #expect(snapshot == (try await driver.store.customer("c3")))
            #expect(snapshot.run(of: "cart")?.waiting != nil)
            #expect(await StateCompactionTests.isCompact(actor))
        }
        // The reminders ran on unpacked state; the customers who came back at 3 h were used
        // last, and nothing after them was 30 s later than their purchase.
        #expect(try await !driver.isCompact("c0"))
    }

    @Test func aPackingShardDecidesAndCommitsExactlyWhatAShardThatNeverPacksDoes() async throws {
        var packing = try Driver(compactAfter: 30)
        var plain = try Driver(compactAfter: .infinity)
        try await packing.play()
        try await plain.play()
        #expect(try await !plain.isCompact("c1"))
        var sends = 0
        for customer in Self.customers + ["late"] {
            let packedActions = try await packing.store.recentActions(of: customer, limit: 100)
            #expect(packedActions == (try await plain.store.recentActions(of: customer, limit: 100)))
            sends += packedActions.filter { $0.action == .send }.count
            #expect(try await packing.shard.customerState(customer) == (try await plain.shard.customerState(customer)))
        }
        #expect(sends == Self.customers.count + 1)
    }

    /// The sweep hands out idle actors least recently used first, at most `limit` at a time,
    /// each once, and skips customers touched again since.
    @Test func theSweepResumesWhereItStoppedAndSkipsCustomersUsedAgain() {
        let system = WaymarkActorSystem()
        var directory = CustomerDirectory(idleTimeout: .infinity, maximumResident: .max, compactAfter: 30)
        var actors: [String: CustomerActor] = [:]
        for index in 0..<10 {
            let id = "c\(index)"
            let actor = system.makeActor(id: CustomerActorID(customerID: id)) { CustomerActor(state: CustomerState(customerID: id), actorSystem: system) }
            actors[id] = actor
            directory.touch(id, actor: actor, at: Self.start.addingTimeInterval(Double(index)))
        }
        directory.touch("c1", actor: actors["c1"]!, at: Self.start.addingTimeInterval(100))
        let later = Self.start.addingTimeInterval(60)
        func ids(_ handed: [CustomerActor]) -> [String] { handed.map(\.id.customerID) }
        #expect(ids(directory.idleToCompact(now: later, limit: 3)) == ["c0", "c2", "c3"])
        #expect(ids(directory.idleToCompact(now: later, limit: 3)) == ["c4", "c5", "c6"])
        #expect(ids(directory.idleToCompact(now: later, limit: 10)) == ["c7", "c8", "c9"])
        #expect(directory.idleToCompact(now: later, limit: 10).isEmpty)
        // c1 was used at 100 s: idle 30 s later, and handed out once.
        #expect(ids(directory.idleToCompact(now: Self.start.addingTimeInterval(130), limit: 10)) == ["c1"])
        #expect(directory.idleToCompact(now: Self.start.addingTimeInterval(1000), limit: 10).isEmpty)
    }
}
