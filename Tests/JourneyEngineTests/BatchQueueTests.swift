import Synchronization
import Testing

@testable import JourneyEngine

/// ``BatchQueue`` under its two new duties: batches no bigger than asked, and a producer that
/// waits for room until the consumer takes some.
@Suite struct BatchQueueTests {
    @Test func aBatchHoldsAtMostItsLimitOldestFirst() async {
        let queue = BatchQueue<Int>()
        queue.push(contentsOf: Array(1...10))
        #expect(await queue.nextBatch(limit: 4) == [1, 2, 3, 4])
        #expect(await queue.nextBatch(limit: 4) == [5, 6, 7, 8])
        #expect(await queue.nextBatch() == [9, 10])
        #expect(queue.count == 0)
    }

    @Test func aWaitingConsumerIsHandedAtMostItsLimit() async {
        let queue = BatchQueue<Int>()
        async let batch = queue.nextBatch(limit: 2)
        while !queue.hasWaitingConsumer { await Task.yield() }
        queue.push(contentsOf: [1, 2, 3])
        #expect(await batch == [1, 2])
        #expect(queue.count == 1)
    }

    @Test func aProducerWaitsForRoomUntilTheConsumerTakes() async {
        let queue = BatchQueue<Int>()
        queue.push(contentsOf: [1, 2, 3])
        await queue.waitForRoom(below: 4)  // 3 waiting: room at once
        let released = Flag()
        let waiting = Task {
            await queue.waitForRoom(below: 3)
            released.raise()
        }
        while !queue.hasWaitingProducer { await Task.yield() }
        #expect(!released.isRaised, "3 waiting is not below 3")
        #expect(await queue.nextBatch(limit: 1) == [1])
        await waiting.value
        #expect(released.isRaised)
    }

    @Test func finishingReleasesAWaitingProducer() async {
        let queue = BatchQueue<Int>()
        queue.push(contentsOf: [1, 2])
        async let waited: Void = queue.waitForRoom(below: 1)
        while !queue.hasWaitingProducer { await Task.yield() }
        queue.finish()
        await waited
        #expect(queue.isFinished)
        #expect(await queue.nextBatch(limit: 1) == [1], "what was queued is still handed out after finishing")
    }

    @Test func cancellingReleasesAWaitingProducer() async {
        let queue = BatchQueue<Int>()
        queue.push(contentsOf: [1, 2])
        let waiting = Task { await queue.waitForRoom(below: 1) }
        while !queue.hasWaitingProducer { await Task.yield() }
        waiting.cancel()
        await waiting.value
        #expect(!queue.hasWaitingProducer)
        #expect(queue.count == 2)
    }
}

/// A flag one task raises and another reads.
final class Flag: Sendable {
    private let raised = Atomic(false)
    func raise() { raised.store(true, ordering: .sequentiallyConsistent) }
    var isRaised: Bool { raised.load(ordering: .sequentiallyConsistent) }
}
