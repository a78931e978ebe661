import Foundation
import Testing
import WaymarkCluster

/// The lease rules on an injected clock: owner, expiry, an epoch that only goes up.
struct LeaseTableTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let ttl: Duration = .seconds(10)

    func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    @Test func aFreeShardIsAcquiredWithTheNextEpochAndExpiresAfterTheTTL() {
        var table = LeaseTable(shardCount: 2)
        let actions = table.handle(.acquire(shard: 1, owner: "a", ttl: ttl, now: at(0)))
        #expect(actions == [.granted(Lease(shard: 1, owner: "a", epoch: 1, expiresAt: at(10)))])
        #expect(table.lease(0)?.epoch == 0)
    }

    @Test func aLiveLeaseCannotBeAcquiredByAnyoneIncludingItsOwner() {
        var table = LeaseTable(shardCount: 1)
        _ = table.handle(.acquire(shard: 0, owner: "a", ttl: ttl, now: at(0)))
        #expect(table.handle(.acquire(shard: 0, owner: "b", ttl: ttl, now: at(9.999))) == [.refused(shard: 0, .held(by: "a", until: at(10)))])
        #expect(table.handle(.acquire(shard: 0, owner: "a", ttl: ttl, now: at(5))) == [.refused(shard: 0, .held(by: "a", until: at(10)))])
        #expect(table.lease(0)?.epoch == 1)
    }

    @Test func anExpiredLeaseIsStolenWithAHigherEpoch() {
        var table = LeaseTable(shardCount: 1)
        _ = table.handle(.acquire(shard: 0, owner: "a", ttl: ttl, now: at(0)))
        // Expiry is exclusive: at exactly expiresAt the lease is no longer held.
        let stolen = table.handle(.acquire(shard: 0, owner: "b", ttl: ttl, now: at(10)))
        #expect(stolen == [.granted(Lease(shard: 0, owner: "b", epoch: 2, expiresAt: at(20)))])
        // The old owner's epoch is fenced everywhere.
        #expect(table.handle(.renew(shard: 0, owner: "a", epoch: 1, ttl: ttl, now: at(11))) == [.refused(shard: 0, .fenced(current: stolen.lease!))])
        #expect(table.handle(.verify(shard: 0, owner: "a", epoch: 1, now: at(11))) == [.refused(shard: 0, .fenced(current: stolen.lease!))])
        #expect(table.handle(.release(shard: 0, owner: "a", epoch: 1, now: at(11))) == [.refused(shard: 0, .fenced(current: stolen.lease!))])
    }

    @Test func renewalExtendsOnlyALiveLeaseOfTheSameOwnerAndEpoch() {
        var table = LeaseTable(shardCount: 1)
        _ = table.handle(.acquire(shard: 0, owner: "a", ttl: ttl, now: at(0)))
        #expect(table.handle(.renew(shard: 0, owner: "a", epoch: 1, ttl: ttl, now: at(6))) == [.granted(Lease(shard: 0, owner: "a", epoch: 1, expiresAt: at(16)))])
        #expect(table.handle(.renew(shard: 0, owner: "a", epoch: 2, ttl: ttl, now: at(7))).first?.isRefusal == true)
        #expect(table.handle(.renew(shard: 0, owner: "b", epoch: 1, ttl: ttl, now: at(7))).first?.isRefusal == true)
        // Too late: an expired lease is not renewed even if nobody took it; it must be acquired again.
        #expect(table.handle(.renew(shard: 0, owner: "a", epoch: 1, ttl: ttl, now: at(16))).first?.isRefusal == true)
        #expect(table.handle(.acquire(shard: 0, owner: "a", ttl: ttl, now: at(16))).first?.lease?.epoch == 2)
    }

    @Test func releaseFreesTheShardAtOnceAndTheNextOwnerTakesTheNextEpoch() {
        var table = LeaseTable(shardCount: 1)
        _ = table.handle(.acquire(shard: 0, owner: "a", ttl: ttl, now: at(0)))
        #expect(table.handle(.release(shard: 0, owner: "a", epoch: 1, now: at(3))) == [.released(Lease(shard: 0, owner: nil, epoch: 1, expiresAt: at(3)))])
        #expect(table.handle(.verify(shard: 0, owner: "a", epoch: 1, now: at(3))).first?.isRefusal == true)
        #expect(table.handle(.acquire(shard: 0, owner: "b", ttl: ttl, now: at(3))).first?.lease?.epoch == 2)
    }

    @Test func verifyHoldsExactlyWhileTheLeaseIsLive() {
        var table = LeaseTable(shardCount: 1)
        _ = table.handle(.acquire(shard: 0, owner: "a", ttl: ttl, now: at(0)))
        #expect(table.handle(.verify(shard: 0, owner: "a", epoch: 1, now: at(9.9))).first?.isRefusal == false)
        #expect(table.handle(.verify(shard: 0, owner: "a", epoch: 1, now: at(10))).first?.isRefusal == true)
    }

    @Test func unknownShardsAreRefused() {
        var table = LeaseTable(shardCount: 1)
        #expect(table.handle(.acquire(shard: 1, owner: "a", ttl: ttl, now: at(0))) == [.refused(shard: 1, .unknownShard)])
        #expect(table.handle(.verify(shard: -1, owner: "a", epoch: 0, now: at(0))) == [.refused(shard: -1, .unknownShard)])
    }

    /// Whatever sequence of operations runs, the epoch of every shard never goes down, at most one
    /// owner holds a shard at any instant, and an epoch is never granted to two owners.
    @Test func epochsOnlyGoUpAndNeverBelongToTwoOwners() {
        var table = LeaseTable(shardCount: 3)
        var random = SystemRandomNumberGenerator()
        var epochOwners: [Int: [Int64: String]] = [:]
        var lastEpoch = [Int64](repeating: 0, count: 3)
        var now = at(0)
        for _ in 0..<5_000 {
            now = now.addingTimeInterval(Double.random(in: 0...3, using: &random))
            let shard = Int.random(in: 0..<3, using: &random)
            let owner = ["a", "b", "c"].randomElement(using: &random)!
            let epoch = Int64.random(in: 0...max(1, lastEpoch[shard] + 1), using: &random)
            let input: LeaseTable.Input = switch Int.random(in: 0..<4, using: &random) {
            case 0: .acquire(shard: shard, owner: owner, ttl: ttl, now: now)
            case 1: .renew(shard: shard, owner: owner, epoch: epoch, ttl: ttl, now: now)
            case 2: .release(shard: shard, owner: owner, epoch: epoch, now: now)
            default: .verify(shard: shard, owner: owner, epoch: epoch, now: now)
            }
            for action in table.handle(input) {
                if case .granted(let lease) = action {
                    if let previous = epochOwners[shard]?[lease.epoch] { #expect(previous == lease.owner) }
                    epochOwners[shard, default: [:]][lease.epoch] = lease.owner
                }
            }
            for lease in table.leases {
                #expect(lease.epoch >= lastEpoch[lease.shard])
                lastEpoch[lease.shard] = lease.epoch
            }
        }
        #expect(lastEpoch.allSatisfy { $0 > 1 })
    }
}

extension LeaseTable.Action {
    var isRefusal: Bool {
        if case .refused = self { return true }
        return false
    }

    var lease: Lease? {
        switch self {
        case .granted(let lease), .released(let lease), .verified(let lease): lease
        case .refused: nil
        }
    }
}

extension Array where Element == LeaseTable.Action {
    var lease: Lease? { first?.lease }
}
