import Foundation
import Testing
import WaymarkCluster

/// Balancing on an injected clock: target shares, rate-limited moves, a new node's share, drains.
struct BalancerTests {
    let t0 = ContinuousClock.now
    let dbNow = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0.advanced(by: .milliseconds(Int64(seconds * 1000))) }

    func view(_ owners: [String?], nodes: [String], draining: Set<String> = [], expired: Set<Int> = []) -> ClusterView {
        ClusterView(
            shardCount: owners.count,
            nodes: nodes.map { ClusterNode(incarnation: $0, nodeID: $0, advertise: "", draining: draining.contains($0)) },
            leases: owners.enumerated().map { shard, owner in
                Lease(shard: shard, owner: owner, epoch: 1, expiresAt: dbNow.addingTimeInterval(expired.contains(shard) ? -1 : 10))
            },
            now: dbNow)
    }

    @Test func targetsSplitTheShardsEvenlyInSortedOrder() {
        let targets = view(Array(repeating: nil, count: 8), nodes: ["c", "a", "b"]).targets()
        #expect(targets == ["a": 3, "b": 3, "c": 2])
        #expect(view(Array(repeating: nil, count: 8), nodes: ["a", "b", "c"], draining: ["a"]).targets() == ["a": 0, "b": 4, "c": 4])
    }

    @Test func aLoneNodeTakesEveryFreeShard() {
        var balancer = Balancer(me: "a")
        let actions = balancer.handle(.observe(view(Array(repeating: nil, count: 8), nodes: ["a"]), now: at(0)))
        #expect(Set(actions) == Set((0..<8).map { .acquire(shard: $0) }))
    }

    @Test func freeShardsAreTakenUpToTheShareWhileAnotherNodeIsShort() {
        var balancer = Balancer(me: "a")
        let actions = balancer.handle(.observe(view(Array(repeating: nil, count: 8), nodes: ["a", "b"]), now: at(0)))
        #expect(actions.count == 4)
        #expect(actions.allSatisfy { if case .acquire = $0 { true } else { false } })
    }

    @Test func orphanedShardsOfADeadNodeAreTakenAtOnce() {
        // c died: its heartbeat is gone and its leases expired. a and b split its shards.
        var a = Balancer(me: "a")
        let owners: [String?] = ["a", "a", "a", "b", "b", "b", "c", "c"]
        let actions = a.handle(.observe(view(owners, nodes: ["a", "b"], expired: [6, 7]), now: at(0)))
        #expect(actions.count == 1)
        #expect([Balancer.Action.acquire(shard: 6), .acquire(shard: 7)].contains(actions[0]))
        // When b already took its share, a takes whatever is left, even beyond its own.
        let later = a.handle(.observe(view(["a", "a", "a", "b", "b", "b", "b", "c"], nodes: ["a", "b"], expired: [7]), now: at(1)))
        #expect(later == [.acquire(shard: 7)])
    }

    @Test func aNewNodeGetsItsShareThroughRateLimitedMoves() {
        var a = Balancer(me: "a", configuration: .init(maximumMovesPerRound: 1, moveInterval: .seconds(1)))
        var owners: [String?] = Array(repeating: "a", count: 8)
        var released: [Int] = []
        var time = 0.0
        // b joined. Rounds every 250 ms: a gives one shard per second, b takes whatever is free.
        while released.count < 4 && time < 10 {
            for action in a.handle(.observe(view(owners, nodes: ["a", "b"]), now: at(time))) {
                guard case .release(let shard) = action else { Issue.record("unexpected \(action)"); continue }
                released.append(shard)
                owners[shard] = "b"
            }
            time += 0.25
        }
        #expect(released.count == 4)
        #expect(time <= 3.5, "four moves at one a second take about three seconds, not \(time)")
        // Balanced now: nothing more moves.
        #expect(a.handle(.observe(view(owners, nodes: ["a", "b"]), now: at(20))) == [])
    }

    @Test func noMoveWhileTheShortNodeCanStillTakeFreeShards() {
        var a = Balancer(me: "a")
        // b holds 1 and needs 4, but 3 shards are free: b takes those; a keeps its 4.
        let owners: [String?] = ["a", "a", "a", "a", "b", nil, nil, nil]
        #expect(a.handle(.observe(view(owners, nodes: ["a", "b"]), now: at(0))) == [])
    }

    @Test func aNodeAtItsShareNeitherTakesNorGivesWhenBalanced() {
        var a = Balancer(me: "a")
        #expect(a.handle(.observe(view(["a", "a", "b", "b"], nodes: ["a", "b"]), now: at(0))) == [])
        var c = Balancer(me: "c")
        #expect(c.handle(.observe(view(["a", "b", "c", "a", "b", "c", "a", "b"], nodes: ["a", "b", "c"]), now: at(0))) == [])
    }

    @Test func drainingReleasesEverythingAndOthersTakeItsShare() {
        var a = Balancer(me: "a")
        _ = a.handle(.drain)
        let actions = a.handle(.observe(view(["a", "b", "a", "b"], nodes: ["a", "b"]), now: at(0)))
        #expect(Set(actions) == [.release(shard: 0), .release(shard: 2)])
        // b sees a draining: a's share is zero, so b takes everything free.
        var b = Balancer(me: "b")
        let taken = b.handle(.observe(view([nil, "b", nil, "b"], nodes: ["a", "b"], draining: ["a"]), now: at(0)))
        #expect(Set(taken) == [.acquire(shard: 0), .acquire(shard: 2)])
    }

    @Test func nodesPreferDifferentFreeShards() {
        var a = Balancer(me: "node-a#1")
        var b = Balancer(me: "node-b#1")
        let empty = view(Array(repeating: nil, count: 16), nodes: ["node-a#1", "node-b#1"])
        let takenByA = a.handle(.observe(empty, now: at(0)))
        let takenByB = b.handle(.observe(empty, now: at(0)))
        #expect(takenByA.count == 8 && takenByB.count == 8)
        #expect(Set(takenByA) != Set(takenByB))
    }

    /// Simulated cluster: nodes join and leave; every round each node acts on the same view and
    /// the lease table arbitrates. The shards always converge to one owner each, shares within one.
    @Test func aSimulatedClusterConvergesToBalancedOwnership() {
        var table = LeaseTable(shardCount: 12)
        var balancers: [String: Balancer] = [:]
        var members: [String] = []
        var clock = dbNow
        var local = t0
        func round() {
            let nodes = members.map { ClusterNode(incarnation: $0, nodeID: $0, advertise: "") }
            for name in members {
                let current = ClusterView(shardCount: 12, nodes: nodes, leases: table.leases, now: clock)
                for action in balancers[name]!.handle(.observe(current, now: local)) {
                    switch action {
                    case .acquire(let shard): _ = table.handle(.acquire(shard: shard, owner: name, ttl: .seconds(5), now: clock))
                    case .release(let shard):
                        _ = table.handle(.release(shard: shard, owner: name, epoch: table.lease(shard)!.epoch, now: clock))
                    }
                }
                for shard in 0..<12 where table.lease(shard)!.owner == name {
                    _ = table.handle(.renew(shard: shard, owner: name, epoch: table.lease(shard)!.epoch, ttl: .seconds(5), now: clock))
                }
            }
            clock = clock.addingTimeInterval(0.5)
            local = local.advanced(by: .milliseconds(500))
        }
        func settle() -> [String: Int] {
            for _ in 0..<60 { round() }
            return ClusterView(shardCount: 12, nodes: [], leases: table.leases, now: clock).heldShards.mapValues(\.count)
        }
        for name in ["a", "b", "c"] {
            members.append(name)
            balancers[name] = Balancer(me: name)
        }
        #expect(settle() == ["a": 4, "b": 4, "c": 4])
        members.append("d")
        balancers["d"] = Balancer(me: "d")
        #expect(settle() == ["a": 3, "b": 3, "c": 3, "d": 3])
        members.removeAll { $0 == "b" }  // b dies: its leases run out
        let after = settle()
        #expect(after.keys.sorted() == ["a", "c", "d"])
        #expect(after.values.reduce(0, +) == 12 && after.values.allSatisfy { $0 == 4 })
    }
}
