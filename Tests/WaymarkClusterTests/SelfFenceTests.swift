import Foundation
import Testing
import WaymarkCluster

/// Self-fencing on an injected clock: a node stops a shard before its lease can expire.
struct SelfFenceTests {
    let t0 = ContinuousClock.now
    let margin: Duration = .seconds(2)

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0.advanced(by: .milliseconds(Int64(seconds * 1000))) }

    @Test func aGrantStartsTheShardAndAllowsProcessingUntilTheMarginBeforeTheDeadline() {
        var fence = SelfFence(safetyMargin: margin)
        let actions = fence.handle(.granted(LeaseGrant(shard: 3, epoch: 7, remaining: .seconds(10)), sentAt: at(0)))
        #expect(actions == [.start(shard: 3, epoch: 7)])
        #expect(fence.mayProcess(shard: 3, epoch: 7, at: at(7.999)))
        #expect(!fence.mayProcess(shard: 3, epoch: 7, at: at(8)), "within the margin of the deadline: stop")
        #expect(!fence.mayProcess(shard: 3, epoch: 6, at: at(1)), "another epoch never processes")
        #expect(!fence.mayProcess(shard: 4, epoch: 7, at: at(1)))
    }

    @Test func theDeadlineCountsFromWhenTheRequestWasSentNotWhenTheAnswerCame() {
        var fence = SelfFence(safetyMargin: margin)
        // Sent at 0, answered (slowly) at 5: the lease ran for 10 s from some instant after 0, so
        // the only safe local deadline is 0 + 10.
        _ = fence.handle(.granted(LeaseGrant(shard: 0, epoch: 1, remaining: .seconds(10)), sentAt: at(0)))
        _ = fence.handle(.tick(now: at(5)))
        #expect(fence.mayProcess(shard: 0, epoch: 1, at: at(7.5)))
        #expect(!fence.mayProcess(shard: 0, epoch: 1, at: at(8.5)))
    }

    @Test func aTickPastTheSafeWindowStopsTheShardBeforeTheLeaseCanExpire() {
        var fence = SelfFence(safetyMargin: margin)
        _ = fence.handle(.granted(LeaseGrant(shard: 0, epoch: 1, remaining: .seconds(10)), sentAt: at(0)))
        _ = fence.handle(.granted(LeaseGrant(shard: 1, epoch: 4, remaining: .seconds(30)), sentAt: at(0)))
        #expect(fence.handle(.tick(now: at(7))) == [])
        #expect(fence.nextStop == at(8))
        #expect(fence.handle(.tick(now: at(8))) == [.stop(shard: 0, epoch: 1, reason: .leaseMayExpire)])
        #expect(fence.heldEpochs == [1: 4])
        // A renewal arriving after the stop does not resurrect the ownership: that epoch is over here.
        #expect(fence.handle(.granted(LeaseGrant(shard: 0, epoch: 1, remaining: .seconds(10)), sentAt: at(7.5))) == [])
        #expect(!fence.mayProcess(shard: 0, epoch: 1, at: at(9)))
        // A new acquisition (a higher epoch) starts it again.
        #expect(fence.handle(.granted(LeaseGrant(shard: 0, epoch: 2, remaining: .seconds(10)), sentAt: at(9))) == [.start(shard: 0, epoch: 2)])
    }

    @Test func renewalsPushTheDeadlineForwardAndNeverBack() {
        var fence = SelfFence(safetyMargin: margin)
        _ = fence.handle(.granted(LeaseGrant(shard: 0, epoch: 1, remaining: .seconds(10)), sentAt: at(0)))
        #expect(fence.handle(.granted(LeaseGrant(shard: 0, epoch: 1, remaining: .seconds(10)), sentAt: at(6))) == [])
        #expect(fence.mayProcess(shard: 0, epoch: 1, at: at(13.9)))
        // An answer that arrives out of order (an older request) cannot shorten it.
        _ = fence.handle(.granted(LeaseGrant(shard: 0, epoch: 1, remaining: .seconds(10)), sentAt: at(3)))
        #expect(fence.mayProcess(shard: 0, epoch: 1, at: at(13.9)))
        #expect(fence.handle(.tick(now: at(14))) == [.stop(shard: 0, epoch: 1, reason: .leaseMayExpire)])
    }

    @Test func aGrantTooShortForTheMarginNeverStarts() {
        var fence = SelfFence(safetyMargin: margin)
        #expect(fence.handle(.granted(LeaseGrant(shard: 0, epoch: 1, remaining: .seconds(2)), sentAt: at(0))) == [])
        #expect(!fence.mayProcess(shard: 0, epoch: 1, at: at(0)))
    }

    @Test func lossAndReleaseStopAtOnce() {
        var fence = SelfFence(safetyMargin: margin)
        _ = fence.handle(.granted(LeaseGrant(shard: 0, epoch: 1, remaining: .seconds(10)), sentAt: at(0)))
        _ = fence.handle(.granted(LeaseGrant(shard: 1, epoch: 2, remaining: .seconds(10)), sentAt: at(0)))
        #expect(fence.handle(.lost(shard: 0)) == [.stop(shard: 0, epoch: 1, reason: .leaseLost)])
        #expect(fence.handle(.released(shard: 1)) == [.stop(shard: 1, epoch: 2, reason: .released)])
        #expect(fence.handle(.lost(shard: 0)) == [])
        #expect(!fence.mayProcess(shard: 0, epoch: 1, at: at(1)))
        #expect(fence.heldEpochs.isEmpty)
    }

    @Test func aNewerEpochReplacesTheOldOwnershipAndAnOlderOneIsIgnored() {
        var fence = SelfFence(safetyMargin: margin)
        _ = fence.handle(.granted(LeaseGrant(shard: 0, epoch: 3, remaining: .seconds(10)), sentAt: at(0)))
        #expect(fence.handle(.granted(LeaseGrant(shard: 0, epoch: 5, remaining: .seconds(10)), sentAt: at(1))) == [
            .stop(shard: 0, epoch: 3, reason: .leaseLost), .start(shard: 0, epoch: 5),
        ])
        #expect(fence.handle(.granted(LeaseGrant(shard: 0, epoch: 4, remaining: .seconds(10)), sentAt: at(2))) == [])
        #expect(fence.heldEpochs == [0: 5])
    }

    /// A paused process: nothing runs between 1 s and 20 s. On waking, before anything renews,
    /// the fence forbids every shard, because its local clock moved past every deadline.
    @Test func aNodeThatWakesFromAPauseMayProcessNothing() {
        var fence = SelfFence(safetyMargin: margin)
        for shard in 0..<4 {
            _ = fence.handle(.granted(LeaseGrant(shard: shard, epoch: 1, remaining: .seconds(10)), sentAt: at(0)))
        }
        #expect((0..<4).allSatisfy { fence.mayProcess(shard: $0, epoch: 1, at: at(1)) })
        #expect((0..<4).allSatisfy { !fence.mayProcess(shard: $0, epoch: 1, at: at(20)) })
        #expect(fence.handle(.tick(now: at(20))).count == 4)
    }
}
