import JourneyEngine

/// Gives one channel its own number of attempts: the relay's retry policy is
/// shared by all channels, so the last allowed attempt of this channel turns a
/// retryable failure into a final one, and the relay dead-letters the message.
struct AttemptLimitAdapter: ChannelAdapter {
    let base: any ChannelAdapter
    let maximumAttempts: Int

    func deliver(_ delivery: Delivery) async throws {
        do {
            try await base.deliver(delivery)
        } catch let error as DeliveryError where error.isRetryable && delivery.attempt >= maximumAttempts {
            throw DeliveryError(retryable: false, "\(error.message) (attempt \(delivery.attempt) of \(maximumAttempts); giving up)")
        }
    }
}
