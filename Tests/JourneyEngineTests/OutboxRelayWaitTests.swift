import Foundation
@testable import JourneyEngine
import JourneyRuntime
import Synchronization
import Testing
import WaymarkTestSupport

/// The relay's wait between rounds (``OutboxRelay/waitForWork(commits:lanes:clock:poll:recordBy:)``):
/// whether it reports that more sends may be due decides whether the store is read again.
@Suite struct OutboxRelayWaitTests {
    static let start = OutboxRelayTests.start

    static func wait(_ commits: Wakeup, _ lanes: Wakeup, clock: VirtualClock, poll: TimeInterval = 1, recordBy: TimeInterval? = nil) async -> Bool {
        await OutboxRelay.waitForWork(
            commits: commits, lanes: lanes, clock: clock, poll: start.addingTimeInterval(poll),
            recordBy: recordBy.map { start.addingTimeInterval($0) })
    }

    /// Both rung before the wait: which child answers first is up to the scheduler, so this
    /// is tried many times. Reading only the first answer lost the commit in 11 of 200 tries.
    @Test func aCommitRungTogetherWithALaneIsNeverLost() async {
        let clock = VirtualClock(start: Self.start)
        var lost = 0
        for _ in 0..<200 {
            let (commits, lanes) = (Wakeup(), Wakeup())
            lanes.ring()
            commits.ring()
            if await !Self.wait(commits, lanes, clock: clock) { lost += 1 }
        }
        #expect(lost == 0, "\(lost) of 200 commits went unnoticed")
    }

    @Test func aLaneFinishingAloneSaysNothingNewIsDue() async {
        let clock = VirtualClock(start: Self.start)
        let (commits, lanes) = (Wakeup(), Wakeup())
        lanes.ring()
        #expect(await Self.wait(commits, lanes, clock: clock) == false)
        // Nor did the cancelled commit wait leave a ring behind for the next round.
        lanes.ring()
        #expect(await Self.wait(commits, lanes, clock: clock) == false)
    }

    @Test func thePollSaysMoreMayBeDueAndTheRecordTimerDoesNot() async {
        let clock = VirtualClock(start: Self.start)
        let (commits, lanes) = (Wakeup(), Wakeup())
        #expect(await Self.wait(commits, lanes, clock: clock, poll: 0), "the poll came: retries may be due")
        #expect(await Self.wait(commits, lanes, clock: clock, poll: 1, recordBy: 0) == false, "only outcomes to record")
    }

    /// Commits a customer's next send, and tells the relay, while delivering the previous one.
    final class ChainingAdapter: ChannelAdapter {
        let store: InMemoryShardStore
        let length: Int
        let relay = Mutex<OutboxRelay?>(nil)
        let delivered = Mutex<[String]>([])

        init(store: InMemoryShardStore, length: Int) {
            self.store = store
            self.length = length
        }

        func deliver(_ delivery: Delivery) async throws {
            let number = delivery.idempotencyKey.split(separator: "/").last.flatMap { Int($0) } ?? 0
            if number + 1 < length {
                try await store.commit(ShardCommit(outbox: [OutboxRelayTests.message("chain/\(number + 1)", customer: "c\(number + 1)")]))
                relay.withLock { $0 }?.notify()
            }
            delivered.withLock { $0.append(delivery.idempotencyKey) }
        }
    }

    /// The relay as it runs, on a clock that never reaches its poll: every send of the chain
    /// is committed while a lane is finishing, and each must be read on its commit's ring.
    @Test func sendsCommittedWhileALaneFinishesGoOutWithoutThePoll() async throws {
        let store = InMemoryShardStore()
        let clock = VirtualClock(start: Self.start)
        let adapter = ChainingAdapter(store: store, length: 300)
        let relay = OutboxRelayTests.relay(store, adapter: adapter, clock: clock)
        adapter.relay.withLock { $0 = relay }
        try await store.commit(ShardCommit(outbox: [OutboxRelayTests.message("chain/0", customer: "c0")]))
        let running = Task { await relay.run() }
        var done = false
        for _ in 0..<2_000 where !done {
            done = adapter.delivered.withLock { $0.count } == 300
            if !done { try await Task.sleep(for: .milliseconds(5)) }
        }
        running.cancel()
        await running.value
        #expect(done, "stuck after \(adapter.delivered.withLock { $0.count }) of 300 sends")
    }
}
