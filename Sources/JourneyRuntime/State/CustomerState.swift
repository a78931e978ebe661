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
    /// When each pending segment recheck is due and the interval of its grid: journey id →
    /// schedule. Absent for a recheck armed before Waymark kept it (such a recheck stays
    /// where it is); see ``Interpreter/predictsSegmentRechecks``.
    public var segmentCheckTimes: [String: SegmentRecheck]

    public init(customerID: String, profile: Profile = Profile()) {
        self.customerID = customerID
        self.profile = profile
        self.runs = []
        self.history = [:]
        self.lastTimerToken = 0
        self.segmentChecks = [:]
        self.segmentCheckTimes = [:]
    }

    private enum CodingKeys: String, CodingKey {
        case customerID, profile, runs, history, lastTimerToken, segmentChecks, segmentCheckTimes
    }

    /// Decodes snapshots written before `segmentCheckTimes` existed as well as current ones.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        customerID = try container.decode(String.self, forKey: .customerID)
        profile = try container.decode(Profile.self, forKey: .profile)
        runs = try container.decode([RunState].self, forKey: .runs)
        history = try container.decode([String: JourneyHistory].self, forKey: .history)
        lastTimerToken = try container.decode(UInt64.self, forKey: .lastTimerToken)
        segmentChecks = try container.decode([String: UInt64].self, forKey: .segmentChecks)
        segmentCheckTimes = try container.decodeIfPresent([String: SegmentRecheck].self, forKey: .segmentCheckTimes) ?? [:]
    }

    public func run(of journeyID: String) -> RunState? {
        runs.first { $0.journeyID == journeyID }
    }

    mutating func nextTimerToken() -> UInt64 {
        lastTimerToken += 1
        return lastTimerToken
    }

    /// A token for a segment recheck: the next token with the top bit set. Timers of one
    /// customer due at the same instant fire in token order, so a recheck comes after the
    /// customer's other timers due then (the end of a wait, say) and sees what they did,
    /// however long ago either was armed.
    mutating func nextRecheckToken() -> UInt64 {
        nextTimerToken() | Self.recheckTokenBit
    }

    static let recheckTokenBit: UInt64 = 1 << 63
}

/// Where a pending segment recheck sits on its grid: rechecks of a journey fall every
/// `interval` seconds from the customer's first input, and `due` is the one armed.
public struct SegmentRecheck: Sendable, Hashable, Codable {
    public var due: Date
    public var interval: Int64
    /// When the journey's recheck last fired: its grid point then is spent, even while
    /// other inputs follow at the same instant.
    public var firedAt: Date?

    public init(due: Date, interval: Int64, firedAt: Date? = nil) {
        self.due = due
        self.interval = interval
        self.firedAt = firedAt
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

    /// The frequency cap: forgets sends older than `window` seconds, then counts a send at
    /// `now` if fewer than `maximum` remain. Returns whether the send may go.
    mutating func admitSend(at now: Date, window: Double, maximum: Int) -> Bool {
        sendTimes.removeAll { now.timeIntervalSince($0) >= window }
        guard sendTimes.count < maximum else { return false }
        sendTimes.append(now)
        return true
    }
}
