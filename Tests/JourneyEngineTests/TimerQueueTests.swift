import Foundation
import JourneyRuntime
import Testing

@testable import JourneyEngine

/// The shard's timer heap: due order, ties by customer then token, lazy cancellation.
@Suite struct TimerQueueTests {
    static let start = Date(timeIntervalSince1970: 1_709_283_600)

    static func timer(_ customer: String, _ token: UInt64, at offset: TimeInterval) -> TimerRequest {
        TimerRequest(customerID: customer, token: token, due: start.addingTimeInterval(offset), journeyID: "j")
    }

    @Test func dueTimersComeOutInDueOrderWithStableTies() {
        var queue = TimerQueue(window: nil, loaded: [
            Self.timer("b", 1, at: 60), Self.timer("a", 2, at: 60), Self.timer("a", 1, at: 60),
            Self.timer("c", 1, at: 10), Self.timer("d", 1, at: 500),
        ], complete: true)
        #expect(queue.nextDue() == Self.start.addingTimeInterval(10))
        let due = queue.popDue(now: Self.start.addingTimeInterval(100), batch: 1)
        #expect(due.map { "\($0.customerID)\($0.token)" } == ["c1", "a1", "a2", "b1"])
        #expect(queue.count == 1)
        #expect(queue.nextDue() == Self.start.addingTimeInterval(500))
    }

    @Test func cancelledTimersNeverFire() {
        var queue = TimerQueue(window: nil, loaded: [Self.timer("a", 1, at: 10), Self.timer("a", 2, at: 20)], complete: true)
        queue.remove(TimerKey(customerID: "a", token: 1), batch: 1)
        #expect(queue.nextDue() == Self.start.addingTimeInterval(20))
        #expect(queue.popDue(now: Self.start.addingTimeInterval(30), batch: 1).map(\.token) == [2])
        #expect(queue.popDue(now: Self.start.addingTimeInterval(30), batch: 1).isEmpty)
    }

    @Test func nothingIsDueBeforeItsTime() {
        var queue = TimerQueue(window: nil, loaded: [Self.timer("a", 1, at: 10)], complete: true)
        #expect(queue.popDue(now: Self.start.addingTimeInterval(9.999), batch: 1).isEmpty)
        #expect(queue.popDue(now: Self.start.addingTimeInterval(10), batch: 1).count == 1)
    }
}
