import Foundation
import JourneyRuntime
import Testing
import WaymarkCluster
import WaymarkTestSupport

/// The coordinator against a real PostgreSQL: cluster creation, leases on the database's
/// clock, the shared inbox, epoch-checked snapshots and the delivery ledger.
@Suite(.enabled(if: PostgresTestDatabase.shouldRun, "needs WAYMARK_TEST_POSTGRES_URL (set by .ci/run)"), .timeLimit(.minutes(2)))
struct PostgresCoordinatorTests {
    let node = ClusterNode(incarnation: "a#1", nodeID: "a", advertise: "127.0.0.1:1")

    @Test func theShardCountIsFixedWhenTheClusterIsCreated() async throws {
        let database = try await PostgresTestDatabase.make()
        try await database.withCoordinator { coordinator in
            try await coordinator.join(node, shardCount: 4)
            try await coordinator.join(ClusterNode(incarnation: "b#1", nodeID: "b", advertise: ""), shardCount: 4)
            let error = await #expect(throws: ClusterError.self) {
                try await coordinator.join(ClusterNode(incarnation: "c#1", nodeID: "c", advertise: ""), shardCount: 8)
            }
            #expect(error?.code == .shardCountMismatch)
            #expect(error?.context["cluster.shards"] == "4")
            let view = try await coordinator.heartbeat(node, nodeTimeout: .seconds(30))
            #expect(view.leases.count == 4)
            #expect(Set(view.nodes.map(\.incarnation)) == ["a#1", "b#1"])
        }
    }

    @Test func leasesAreDecidedOnTheDatabaseClockWithAnEpochThatOnlyGoesUp() async throws {
        let database = try await PostgresTestDatabase.make()
        try await database.withCoordinator { coordinator in
            try await coordinator.join(node, shardCount: 2)
            // Long leases while the machine may be slow; only the expiry step uses a short one, so a
            // stall between two calls cannot expire a lease the test expects to hold.
            let first = try #require(try await coordinator.acquire(shard: 0, owner: "a#1", ttl: .seconds(30)))
            #expect(first.epoch == 1)
            #expect(first.remaining > .seconds(29) && first.remaining <= .seconds(30))
            #expect(try await coordinator.acquire(shard: 0, owner: "b#1", ttl: .seconds(30)) == nil, "held: nobody else gets it")
            #expect(try await coordinator.renew(owner: "a#1", epochs: [0: 1], ttl: .seconds(30)).map(\.epoch) == [1])
            #expect(try await coordinator.renew(owner: "a#1", epochs: [0: 7], ttl: .seconds(30)).isEmpty, "a wrong epoch renews nothing")
            // A renewal sets the expiry from the database's now, so it can also shorten the lease.
            let shortened = try await coordinator.renew(owner: "a#1", epochs: [0: 1], ttl: .milliseconds(200))
            #expect(shortened.map(\.epoch) == [1] && shortened.allSatisfy { $0.remaining < .seconds(1) })
            try await Task.sleep(for: .milliseconds(1_200))
            // Expired: a's renewal fails, b steals it with the next epoch.
            #expect(try await coordinator.renew(owner: "a#1", epochs: [0: 1], ttl: .seconds(1)).isEmpty)
            let stolen = try #require(try await coordinator.acquire(shard: 0, owner: "b#1", ttl: .seconds(10)))
            #expect(stolen.epoch == 2)
            // A release by the old owner changes nothing; by the owner it frees the shard at once.
            try await coordinator.release(shard: 0, owner: "a#1", epoch: 1)
            #expect(try await coordinator.acquire(shard: 0, owner: "c#1", ttl: .seconds(10)) == nil)
            try await coordinator.release(shard: 0, owner: "b#1", epoch: 2)
            #expect(try await coordinator.acquire(shard: 0, owner: "c#1", ttl: .seconds(10))?.epoch == 3)
            let view = try await coordinator.heartbeat(node, nodeTimeout: .seconds(30))
            #expect(view.leases[0].owner == "c#1" && view.leases[0].epoch == 3)
            #expect(view.leases[1].owner == nil && view.leases[1].epoch == 0)
        }
    }

    @Test func concurrentAppendsFromSeveralNodesGetGaplessSequencesAndDuplicatesAreRefused() async throws {
        let database = try await PostgresTestDatabase.make()
        try await database.withCoordinator { coordinator in try await coordinator.join(node, shardCount: 2) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        // Three "nodes" (separate clients), each appending 40 batches of 5; every event id is sent by two nodes.
        let results = try await withThrowingTaskGroup(of: [InboxAppendResult].self) { group in
            for nodeIndex in 0..<3 {
                group.addTask {
                    try await database.withCoordinator { coordinator in
                        var all: [InboxAppendResult] = []
                        for batch in 0..<40 {
                            let inputs = (0..<5).map { item in
                                let id = "event-\((batch * 5 + item) * 3 / 2 + nodeIndex % 2)"
                                return InboxInput(payload: .event(CustomerEvent(id: id, customerID: "c\(item)", name: "x", time: start)), acceptedAt: start)
                            }
                            all += try await coordinator.append(shard: 1, inputs)
                        }
                        return all
                    }
                }
            }
            var all: [InboxAppendResult] = []
            for try await part in group { all += part }
            return all
        }
        let appended = results.compactMap { if case .appended(let entry) = $0 { entry } else { nil } }
        #expect(Set(appended.map(\.sequence)) == Set(1...Int64(appended.count)), "sequences are gapless and unique")
        #expect(Set(appended.compactMap(\.input.deduplicationKey)).count == appended.count, "every customer's event accepted once")
        #expect(results.count - appended.count > 0, "ids sent twice were refused the second time")
        let read = try await database.withCoordinator { coordinator in try await coordinator.inbox(shard: 1, after: 0, limit: 10_000) }
        #expect(read.map(\.sequence) == Array(1...Int64(appended.count)))
        #expect(Dictionary(uniqueKeysWithValues: read.map { ($0.sequence, $0.input) }) == Dictionary(uniqueKeysWithValues: appended.map { ($0.sequence, $0.input) }))
        let other = try await database.withCoordinator { coordinator in try await coordinator.inbox(shard: 0, after: 0, limit: 10) }
        #expect(other.isEmpty)
    }

    /// An id is an event of one customer: the same id for two customers of one shard is two
    /// events. A bare id written before events were keyed by customer still counts as seen.
    @Test func eventIDsAreOneCustomersAndOldBareIDsStillCount() async throws {
        let database = try await PostgresTestDatabase.make()
        try await database.withCoordinator { coordinator in try await coordinator.join(node, shardCount: 1) }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let event: @Sendable (String, String) -> InboxInput = { id, customer in
            InboxInput(payload: .event(CustomerEvent(id: id, customerID: customer, name: "x", time: now)), acceptedAt: now)
        }
        _ = try await database.column("INSERT INTO waymark_seen_events (shard, event_id) VALUES (0, 'old') RETURNING event_id")
        let results = try await database.withCoordinator { coordinator in
            try await coordinator.append(shard: 0, [event("7", "alice"), event("7", "bob"), event("7", "alice"), event("old", "carol")])
        }
        #expect(results.map { if case .appended(let entry) = $0 { entry.sequence } else { nil } } == [Int64(1), 2, nil, nil])
        let again = try await database.withCoordinator { coordinator in try await coordinator.append(shard: 0, [event("7", "bob"), event("8", "bob")]) }
        #expect(again.map { if case .appended(let entry) = $0 { entry.sequence } else { nil } } == [nil, Int64(3)])
    }

    @Test func snapshotsAreEpochCheckedAndDropTheInboxTheyCover() async throws {
        let database = try await PostgresTestDatabase.make()
        try await database.withCoordinator { coordinator in
            try await coordinator.join(node, shardCount: 1)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let inputs = (0..<5).map { InboxInput(payload: .event(CustomerEvent(id: "e\($0)", customerID: "c", name: "x", time: now)), acceptedAt: now) }
            _ = try await coordinator.append(shard: 0, inputs)
            let grant = try #require(try await coordinator.acquire(shard: 0, owner: "a#1", ttl: .seconds(30)))
            var snapshot = ShardSnapshot.empty(shard: 0)
            snapshot.appliedSequence = 3
            snapshot.customers = [CustomerState(customerID: "c")]
            try await coordinator.saveSnapshot(snapshot, owner: "a#1", epoch: grant.epoch)
            #expect(try await coordinator.latestSnapshot(shard: 0) == snapshot)
            #expect(try await coordinator.inbox(shard: 0, after: 3, limit: 10).map(\.sequence) == [4, 5])
            // After a handoff the old owner's snapshot is refused and changes nothing.
            try await coordinator.release(shard: 0, owner: "a#1", epoch: grant.epoch)
            let next = try #require(try await coordinator.acquire(shard: 0, owner: "b#1", ttl: .seconds(30)))
            var stale = snapshot
            stale.appliedSequence = 5
            let error = await #expect(throws: ClusterError.self) {
                try await coordinator.saveSnapshot(stale, owner: "a#1", epoch: grant.epoch)
            }
            #expect(error?.code == .fenced)
            #expect(error?.context["lease.current_epoch"] == "\(next.epoch)")
            #expect(try await coordinator.latestSnapshot(shard: 0)?.appliedSequence == 3)
            #expect(try await coordinator.inbox(shard: 0, after: 3, limit: 10).count == 2)
        }
    }

    @Test func theLedgerLetsAKeyLeaveOnceAndOnlyUnderTheCurrentEpoch() async throws {
        let database = try await PostgresTestDatabase.make()
        try await database.withCoordinator { coordinator in
            try await coordinator.join(node, shardCount: 1)
            let a = try #require(try await coordinator.acquire(shard: 0, owner: "a#1", ttl: .seconds(30)))
            #expect(try await coordinator.claimDelivery(key: "k1", shard: 0, owner: "a#1", epoch: a.epoch) == .claimed)
            // A retry by the same owner (the first attempt failed) may claim again.
            #expect(try await coordinator.claimDelivery(key: "k1", shard: 0, owner: "a#1", epoch: a.epoch) == .claimed)
            try await coordinator.confirmDelivery(key: "k1", owner: "a#1", epoch: a.epoch)
            #expect(try await coordinator.claimDelivery(key: "k1", shard: 0, owner: "a#1", epoch: a.epoch) == .alreadyDelivered)
            // k2 is claimed, then a loses the shard before confirming: a is fenced, b takes the claim over.
            #expect(try await coordinator.claimDelivery(key: "k2", shard: 0, owner: "a#1", epoch: a.epoch) == .claimed)
            try await coordinator.release(shard: 0, owner: "a#1", epoch: a.epoch)
            let b = try #require(try await coordinator.acquire(shard: 0, owner: "b#1", ttl: .seconds(30)))
            let error = await #expect(throws: ClusterError.self) {
                _ = try await coordinator.claimDelivery(key: "k3", shard: 0, owner: "a#1", epoch: a.epoch)
            }
            #expect(error?.code == .fenced)
            #expect(try await coordinator.claimDelivery(key: "k1", shard: 0, owner: "b#1", epoch: b.epoch) == .alreadyDelivered)
            #expect(try await coordinator.claimDelivery(key: "k2", shard: 0, owner: "b#1", epoch: b.epoch) == .claimed)
            // a's late confirmation of k2 changes nothing: the claim belongs to b now.
            try await coordinator.confirmDelivery(key: "k2", owner: "a#1", epoch: a.epoch)
            try await coordinator.confirmDelivery(key: "k2", owner: "b#1", epoch: b.epoch)
        }
        #expect(try await database.column("SELECT idempotency_key || ':' || state || ':' || takeovers FROM waymark_deliveries ORDER BY 1") == [
            "k1:delivered:0", "k2:delivered:1",
        ])
    }
}
