import Foundation
import JourneyModel

/// Everything Waymark keeps about one customer: the profile, the runs in
/// progress, and per journey the history that entry rules and frequency caps
/// need. A value: the actor owns one, the store snapshots it.
public struct CustomerState: Sendable, Hashable, Codable {
    public var customerID: String
    public var profile: Profile
    /// Runs in progress, at most one per journey, kept sorted by journey id.
    public var runs: [RunState]
    public var history: [String: JourneyHistory]
    /// The last timer token handed out; tokens only go up, so a stale timer never matches.
    public var lastTimerToken: UInt64
    /// Pending segment rechecks: journey id → timer token.
    public var segmentChecks: [String: UInt64]

    public init(customerID: String, profile: Profile = Profile()) {
        self.customerID = customerID
        self.profile = profile
        self.runs = []
        self.history = [:]
        self.lastTimerToken = 0
        self.segmentChecks = [:]
    }

    public func run(of journeyID: String) -> RunState? {
        runs.first { $0.journeyID == journeyID }
    }

    mutating func nextTimerToken() -> UInt64 {
        lastTimerToken += 1
        return lastTimerToken
    }
}

/// What one customer has done in one journey across runs.
public struct JourneyHistory: Sendable, Hashable, Codable {
    /// Runs started so far; the next run's number is this plus one.
    public var runCount: Int
    public var lastEndedAt: Date?
    /// Times of sends that count against the frequency cap, oldest first, pruned to the cap's window.
    public var sendTimes: [Date]

    public init(runCount: Int = 0, lastEndedAt: Date? = nil, sendTimes: [Date] = []) {
        self.runCount = runCount
        self.lastEndedAt = lastEndedAt
        self.sendTimes = sendTimes
    }
}
