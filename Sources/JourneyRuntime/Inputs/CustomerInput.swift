import Foundation

/// Everything that can happen to a customer. The interpreter handles one at a time.
public enum CustomerInput: Sendable, Hashable, Codable {
    case event(CustomerEvent)
    /// A timer the customer's state asked for is due.
    case timer(TimerFiring)
    /// An identify call changed the profile.
    case profile(ProfileChange)
    /// A schedule entry's cron tick: customers whose profile matches the audience enter.
    case scheduleTick(journeyID: String)
    /// Evaluate segment entries now (sent to every customer when a segment journey is deployed).
    case checkSegments
    /// Undeploying a journey with "exit runs": every run of it ends with reason `undeployed`.
    case undeploy(journeyID: String)
}

/// A due timer, identified by the token the state handed out when it set it.
public struct TimerFiring: Sendable, Hashable, Codable {
    public var token: UInt64

    public init(token: UInt64) {
        self.token = token
    }
}
