import DequeModule
import Synchronization

/// A bounded first-in-first-out hand-over from one producer task to one consumer task.
///
/// A partition of a parallel simulation sends each stretch it finishes; the merge takes
/// them in order. The bound lets a partition run ahead of a slower one (or of the merge)
/// by a few stretches, so no partition waits for another at every stretch, while what
/// is held in memory stays bounded: a producer with `capacity` stretches unconsumed
/// waits until the consumer takes one.
///
/// The producer ends the queue with ``finish(throwing:)``; the consumer then drains what
/// is left and gets nil, or the error. A producer or consumer whose task is cancelled
/// while it waits is resumed with `CancellationError`, so neither side can hang on the
/// other after a failure.
final class StretchQueue<Element: Sendable>: Sendable {
    private struct State {
        var buffer = Deque<Element>()
        /// Set once the producer is done: success, or the error it failed with.
        var end: Result<Void, any Error>?
        /// Set once the consumer stopped taking (it failed or was cancelled): sends fail.
        var abandoned = false
        var waitingConsumer: CheckedContinuation<Element?, any Error>?
        var waitingProducer: (element: Element, continuation: CheckedContinuation<Void, any Error>)?
        var producerCancelled = false
        var consumerCancelled = false
    }

    /// What a send does once the lock is released.
    private enum SendStep {
        case resume(Result<Void, any Error>)
        case deliver(CheckedContinuation<Element?, any Error>)
        case wait
    }

    /// What a take does once the lock is released (and which waiting producer it lets go on).
    private enum TakeStep {
        case resume(Result<Element?, any Error>, producer: CheckedContinuation<Void, any Error>?)
        case wait
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        precondition(capacity > 0, "a stretch queue holds at least one element")
        self.capacity = capacity
    }

    /// Hands `element` to the consumer, waiting while `capacity` elements are unconsumed.
    func send(_ element: Element) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let next: SendStep = state.withLock { state in
                    if state.producerCancelled { return .resume(.failure(CancellationError())) }
                    if state.abandoned { return .resume(.failure(CancellationError())) }
                    precondition(state.end == nil, "a stretch sent after the queue was finished")
                    if let consumer = state.waitingConsumer {
                        state.waitingConsumer = nil
                        return .deliver(consumer)
                    }
                    if state.buffer.count < capacity {
                        state.buffer.append(element)
                        return .resume(.success(()))
                    }
                    state.waitingProducer = (element, continuation)
                    return .wait
                }
                switch next {
                case .resume(let result): continuation.resume(with: result)
                case .deliver(let consumer):
                    consumer.resume(returning: element)
                    continuation.resume()
                case .wait: break
                }
            }
        } onCancel: {
            let producer = state.withLock { state in
                state.producerCancelled = true
                defer { state.waitingProducer = nil }
                return state.waitingProducer?.continuation
            }
            producer?.resume(throwing: CancellationError())
        }
    }

    /// Ends the queue: once the consumer has taken what is buffered, it gets nil (or `error`).
    func finish(throwing error: (any Error)? = nil) {
        let consumer: CheckedContinuation<Element?, any Error>? = state.withLock { state in
            guard state.end == nil else { return nil }
            state.end = error.map { .failure($0) } ?? .success(())
            defer { state.waitingConsumer = nil }
            return state.waitingConsumer
        }
        if let error { consumer?.resume(throwing: error) } else { consumer?.resume(returning: nil) }
    }

    /// Tells the producer that nothing more will be taken: its waiting and later sends fail.
    func abandon() {
        let producer = state.withLock { state in
            state.abandoned = true
            state.buffer.removeAll()
            defer { state.waitingProducer = nil }
            return state.waitingProducer?.continuation
        }
        producer?.resume(throwing: CancellationError())
    }

    /// The next element in the order sent; nil once the producer finished and all are taken.
    func next() async throws -> Element? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
                let next: TakeStep = state.withLock { state in
                    if state.consumerCancelled { return .resume(.failure(CancellationError()), producer: nil) }
                    if let element = state.buffer.popFirst() {
                        var producer: CheckedContinuation<Void, any Error>?
                        if let waiting = state.waitingProducer {
                            state.buffer.append(waiting.element)
                            producer = waiting.continuation
                            state.waitingProducer = nil
                        }
                        return .resume(.success(element), producer: producer)
                    }
                    switch state.end {
                    case .success?: return .resume(.success(nil), producer: nil)
                    case .failure(let error)?: return .resume(.failure(error), producer: nil)
                    case nil:
                        state.waitingConsumer = continuation
                        return .wait
                    }
                }
                if case .resume(let result, let producer) = next {
                    producer?.resume()
                    continuation.resume(with: result)
                }
            }
        } onCancel: {
            let consumer = state.withLock { state in
                state.consumerCancelled = true
                defer { state.waitingConsumer = nil }
                return state.waitingConsumer
            }
            consumer?.resume(throwing: CancellationError())
        }
    }
}
