import Synchronization
@testable import JourneySimulator
import Testing

/// The hand-over from a partition to the merge: order, the bound, and failures on either side.
@Suite struct StretchQueueTests {
    @Test func elementsArriveInOrderAndTheProducerNeverRunsMoreThanTheCapacityAhead() async throws {
        let queue = StretchQueue<Int>(capacity: 3)
        let sent = Mutex(0)
        let producer = Task {
            for value in 0..<50 {
                try await queue.send(value)
                sent.withLock { $0 += 1 }
            }
            queue.finish()
        }
        var taken: [Int] = []
        // Give the producer every chance to run ahead before the first take.
        for _ in 0..<100 { await Task.yield() }
        while let value = try await queue.next() {
            // When the consumer holds element k, at most k + 1 + capacity sends can have returned.
            let ahead = sent.withLock { $0 } - (taken.count + 1)
            #expect(ahead <= queue.capacity, "the producer ran \(ahead) elements ahead")
            taken.append(value)
            if value.isMultiple(of: 7) { for _ in 0..<20 { await Task.yield() } }
        }
        try await producer.value
        #expect(taken == Array(0..<50))
    }

    @Test func aFailedProducerFailsTheConsumerAfterWhatWasBuffered() async throws {
        struct Broken: Error {}
        let queue = StretchQueue<String>(capacity: 4)
        try await queue.send("a")
        try await queue.send("b")
        queue.finish(throwing: Broken())
        #expect(try await queue.next() == "a")
        #expect(try await queue.next() == "b")
        await #expect(throws: Broken.self) { try await queue.next() }
    }

    @Test func aProducerWaitingOnAFullQueueFailsWhenTheConsumerAbandonsIt() async throws {
        let queue = StretchQueue<Int>(capacity: 1)
        try await queue.send(1)
        let blocked = Task { try await queue.send(2) }
        // Whether the second send is already waiting or not yet started, it must fail.
        for _ in 0..<50 { await Task.yield() }
        queue.abandon()
        await #expect(throws: CancellationError.self) { try await blocked.value }
        await #expect(throws: CancellationError.self) { try await queue.send(3) }
    }

    @Test func aWaitingConsumerIsReleasedWhenItsTaskIsCancelled() async throws {
        let queue = StretchQueue<Int>(capacity: 2)
        let consumer = Task { try await queue.next() }
        for _ in 0..<50 { await Task.yield() }
        consumer.cancel()
        await #expect(throws: CancellationError.self) { try await consumer.value }
    }

    @Test func aWaitingProducerIsReleasedWhenItsTaskIsCancelled() async throws {
        let queue = StretchQueue<Int>(capacity: 1)
        try await queue.send(1)
        let producer = Task { try await queue.send(2) }
        for _ in 0..<50 { await Task.yield() }
        producer.cancel()
        await #expect(throws: CancellationError.self) { try await producer.value }
        // The element it could not hand over is not delivered; the queue goes on.
        #expect(try await queue.next() == 1)
        queue.finish()
        #expect(try await queue.next() == nil)
    }
}
