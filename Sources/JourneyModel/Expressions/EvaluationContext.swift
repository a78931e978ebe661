import Foundation

/// Everything an expression can read: the customer's profile, the current event,
/// the run, and the time.
///
/// `now` is a parameter, never the wall clock, so the engine, the simulator
/// (virtual time) and tests all evaluate the same expression the same way.
public struct EvaluationContext: Sendable, Hashable {
    /// The customer's attributes, read by `profile.a.b`. Normally an object; any
    /// other value makes every `profile.…` path `null`.
    public var profile: JSONValue
    /// The event that entered the run, or the last event a `wait_for` matched;
    /// `nil` (every `event.…` path is `null`) for segment and schedule checks.
    public var event: EventContext?
    /// The journey's id, read by `journey.id`.
    public var journeyID: String?
    /// When the run entered the journey, read by `journey.entered_at`.
    public var enteredAt: Date?
    /// The current time: `now`, and the reference for `days_since` / `hours_since`.
    public var now: Date

    public init(
        profile: JSONValue = .object([:]),
        event: EventContext? = nil,
        journeyID: String? = nil,
        enteredAt: Date? = nil,
        now: Date
    ) {
        self.profile = profile
        self.event = event
        self.journeyID = journeyID
        self.enteredAt = enteredAt
        self.now = now
    }
}

/// The event an expression sees as `event`.
public struct EventContext: Sendable, Hashable, Codable {
    /// `event.name`.
    public var name: String
    /// `event.time`, as an ISO-8601 UTC string.
    public var time: Date
    /// The event's properties, read by `event.a.b` (normally an object).
    public var properties: JSONValue

    public init(name: String, time: Date, properties: JSONValue = .object([:])) {
        self.name = name
        self.time = time
        self.properties = properties
    }
}
