import JourneyEngine
import Synchronization

/// A ``ChannelAdapter`` that keeps every delivery, and can be told to fail the
/// next few attempts (to exercise retries).
public final class RecordingChannelAdapter: ChannelAdapter {
    private let state = Mutex<(deliveries: [Delivery], failuresLeft: Int, retryable: Bool)>(([], 0, true))

    public init() {}

    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// Makes the next `count` attempts fail, retryably or not.
    public func failNext(_ count: Int, retryable: Bool = true) {
        state.withLock { $0.failuresLeft = count; $0.retryable = retryable }
    }

    public func deliver(_ delivery: Delivery) async throws {
        try state.withLock { state in
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw DeliveryError(retryable: state.retryable, "injected failure")
            }
            state.deliveries.append(delivery)
        }
    }
}
