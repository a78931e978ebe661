import Foundation
import JourneyModel

/// One customer's run through one journey: where it is, what it waits for,
/// which variant it is in.
public struct RunState: Sendable, Hashable, Codable {
    public var journeyID: String
    /// The deployed version the run started on; it finishes on it.
    public var version: Int
    /// 1 for the customer's first run of this journey, 2 for the second …
    public var number: Int
    /// The step the run is at (waiting in, or about to execute).
    public var stepID: String
    public var enteredAt: Date
    /// The split variant, `holdout` for the control group; `nil` before any split.
    public var variant: String?
    /// How many times each step has been executed in this run: part of idempotency keys.
    public var visits: [String: Int]
    public var waiting: Waiting?
    /// The event that entered the run, or the last one a `wait_for` matched: what `event.…` reads.
    public var event: EventContext?
    /// The last send, to which a goal is attributed.
    public var lastSend: SendAttribution?
    /// Whether the goal has been counted (a goal counts once per run).
    public var converted: Bool

    public init(journeyID: String, version: Int, number: Int, stepID: String, enteredAt: Date, event: EventContext?) {
        self.journeyID = journeyID
        self.version = version
        self.number = number
        self.stepID = stepID
        self.enteredAt = enteredAt
        self.variant = nil
        self.visits = [:]
        self.waiting = nil
        self.event = event
        self.lastSend = nil
        self.converted = false
    }
}

/// What a paused run waits for, with the token of the timer that ends the wait.
public struct Waiting: Sendable, Hashable, Codable {
    public enum Reason: String, Sendable, Hashable, Codable {
        /// `wait` or `wait_until`: go on to the next step when due.
        case delay
        /// `wait_for`: a matching event, or the timeout.
        case event
        /// A send inside quiet hours: run the send step again when they end.
        case quietHours
        /// The control group of a split: end with reason `holdout` when the conversion window closes.
        case holdout
    }

    public var reason: Reason
    public var token: UInt64
    public var deadline: Date?

    public init(reason: Reason, token: UInt64, deadline: Date?) {
        self.reason = reason
        self.token = token
        self.deadline = deadline
    }
}

/// The send a conversion is credited to.
public struct SendAttribution: Sendable, Hashable, Codable {
    public var stepID: String
    public var channel: String
    public var template: String?

    public init(stepID: String, channel: String, template: String?) {
        self.stepID = stepID
        self.channel = channel
        self.template = template
    }
}
