import Foundation

/// How failed deliveries are retried: exponential backoff with jitter, then the dead-letter state.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; after the last failure the message is dead-lettered.
    public var maximumAttempts: Int
    public var baseDelay: TimeInterval
    public var maximumDelay: TimeInterval

    public init(maximumAttempts: Int = 8, baseDelay: TimeInterval = 1, maximumDelay: TimeInterval = 600) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// The pause before attempt `attempt + 1`, after `attempt` failures: base · 2^(attempt−1),
    /// capped, then scaled by a jitter factor in [0.5, 1) so retries from many senders spread out.
    /// `jitter` is a number in [0, 1) supplied by the caller (randomness is injected).
    public func delay(afterAttempt attempt: Int, jitter: Double) -> TimeInterval {
        let exponential = baseDelay * pow(2, Double(max(0, attempt - 1)))
        return min(exponential, maximumDelay) * (0.5 + 0.5 * jitter)
    }
}

/// A token bucket: at most `rate` deliveries per second on a channel, with bursts of `burst`.
struct RateLimiter {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var updated: Date

    init(ratePerSecond: Double, burst: Double? = nil, now: Date) {
        rate = ratePerSecond
        self.burst = burst ?? max(1, ratePerSecond)
        tokens = self.burst
        updated = now
    }

    /// Takes a token if one is available now; otherwise returns when the next one will be.
    mutating func take(now: Date) -> Date? {
        tokens = min(burst, tokens + now.timeIntervalSince(updated) * rate)
        updated = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return now.addingTimeInterval((1 - tokens) / rate)
    }
}
