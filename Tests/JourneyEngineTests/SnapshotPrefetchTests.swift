import Foundation
import JourneyModel
import JourneyRuntime
import Logging
import Synchronization
import Testing

@testable import JourneyEngine

/// A batch's customers who are not resident are read from the store in one call, and what is
/// read ahead is what they carry on from; after another commit it is not trusted.
@Suite struct SnapshotPrefetchTests {
    static let start = Date(timeIntervalSince1970: 1_709_283_600)

    /// Counts the two ways of reading snapshots; everything else goes to an in-memory store.
    final class CountingStore: ShardStore {
        let base = InMemoryShardStore()
        let singleReads = Atomic(0)
        let batchReads = Atomic(0)

        func customer(_ id: String) async throws -> CustomerState? {
            singleReads.add(1, ordering: .relaxed)
            return try await base.customer(id)
        }
        func customers(_ ids: [String]) async throws -> [String: CustomerState] {
            batchReads.add(1, ordering: .relaxed)
            var found: [String: CustomerState] = [:]
            for id in ids { found[id] = try await base.customer(id) }
            return found
        }
        func recover() async throws -> ShardRecovery { try await base.recover() }
        func pendingTimers(after: Date, atLeast limit: Int) async throws -> [TimerRequest] { try await base.pendingTimers(after: after, atLeast: limit) }
        func customerIDs() async throws -> [String] { try await base.customerIDs() }
        func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] { try await base.append(inputs) }
        func commit(_ commit: ShardCommit) async throws { try await base.commit(commit) }
        func dueOutbox(now: Date, limit: Int) async throws -> [OutboxEntry] { try await base.dueOutbox(now: now, limit: limit) }
        func updateOutbox(_ updates: [OutboxUpdate]) async throws { try await base.updateOutbox(updates) }
        func outboxCounts() async throws -> [OutboxEntry.Status: Int] { try await base.outboxCounts() }
        func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord] { try await base.recentActions(of: customerID, limit: limit) }
        func saveJourneyVersion(_ version: StoredJourneyVersion) async throws { try await base.saveJourneyVersion(version) }
    }

    static func entry(_ sequence: Int64, _ customer: String) -> ShardWork {
        let input = InboxInput(payload: .event(CustomerEvent(customerID: customer, name: "view", time: start)), acceptedAt: start)
        return .inbox(InboxEntry(sequence: sequence, input: input))
    }

    @Test func aBatchReadsItsNewArrivalsInOneCallAndCarriesOnFromThem() async throws {
        let store = CountingStore()
        let stored = (0..<5).map { CustomerState(customerID: "known\($0)", profile: Profile(attributes: ["tier": "gold"])) }
        try await store.base.commit(ShardCommit(snapshots: stored))
        let shard = Shard(
            index: 0, store: store, interpreter: Interpreter(catalog: JourneyCatalog()), actorSystem: WaymarkActorSystem(),
            passivation: PassivationPolicy(), start: Self.start, observer: nil,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

        let customers = stored.map(\.customerID) + ["new0", "new1", "known0"]
        try await shard.apply(customers.enumerated().map { Self.entry(Int64($0.offset + 1), $0.element) })
        #expect(store.batchReads.load(ordering: .relaxed) == 1)
        #expect(store.singleReads.load(ordering: .relaxed) == 0, "every arrival was read ahead, the new ones included")
        for customer in stored.map(\.customerID) {
            let state = try #require(try await shard.customerState(customer))
            #expect(state.profile.attributes["tier"] == "gold", "\(customer) carried on from its stored snapshot")
        }
        #expect(try await shard.customerState("new0")?.profile.attributes["tier"] == nil)

        // Everyone is resident now: the next batch reads nothing.
        try await shard.apply([Self.entry(10, "known1"), Self.entry(11, "new1")])
        #expect(store.batchReads.load(ordering: .relaxed) == 1)
        #expect(store.singleReads.load(ordering: .relaxed) == 0)
    }

    @Test func snapshotsReadAheadAreDroppedOnceTheShardCommitsAgain() {
        let gold = CustomerState(customerID: "c1", profile: Profile(attributes: ["tier": "gold"]))
        var readAhead = PrefetchedSnapshots(["c1": gold], asked: ["c1", "c2"], committedBatch: 4)
        #expect(readAhead.take("c2", committedBatch: 4) == .some(nil), "known to be new")
        #expect(readAhead.take("c3", committedBatch: 4) == nil, "not read ahead")
        #expect(readAhead.take("c1", committedBatch: 5) == nil, "a commit since: read it again")
        #expect(readAhead.take("c1", committedBatch: 4) == nil, "dropped for good")
    }
}
