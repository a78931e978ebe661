/// A journey as its author wrote it: how customers enter, what happens to them,
/// and when they leave.
///
/// Plain values only: the interpreter, simulator and store all share this one
/// description, and two definitions that are `==` behave identically. Where each
/// part was written lives beside it in a ``JourneySourceMap``, so equality
/// ignores formatting.
public struct JourneyDefinition: Sendable, Hashable, Codable {
    /// `^[a-z][a-z0-9-]*$`, unique in a deployment.
    public var id: String
    public var name: String?
    public var description: String?
    /// The author's version number; when absent the store numbers deployments.
    public var version: Int?
    /// IANA zone for `wait_until`, quiet hours and schedules; a customer's `timezone` attribute overrides it.
    public var timezone: String
    public var entry: Entry
    public var exits: [EventCriterion]
    public var goal: Goal?
    public var limits: Limits
    public var steps: [Step]

    public init(
        id: String, name: String? = nil, description: String? = nil, version: Int? = nil,
        timezone: String = "UTC", entry: Entry, exits: [EventCriterion] = [], goal: Goal? = nil,
        limits: Limits = Limits(), steps: [Step]
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.version = version
        self.timezone = timezone
        self.entry = entry
        self.exits = exits
        self.goal = goal
        self.limits = limits
        self.steps = steps
    }

    /// The step with this id, if any.
    public func step(_ id: String) -> Step? {
        steps.first { $0.id == id }
    }

    /// Position of a step in `steps`.
    public func index(ofStep id: String) -> Int? {
        steps.firstIndex { $0.id == id }
    }
}

/// An event name with an optional condition: used by `exit` criteria.
public struct EventCriterion: Sendable, Hashable, Codable {
    public var event: String
    public var condition: Expression?

    public init(event: String, condition: Expression? = nil) {
        self.event = event
        self.condition = condition
    }
}

/// A conversion: counted and attributed to the last send and variant.
public struct Goal: Sendable, Hashable, Codable {
    public var event: String
    public var condition: Expression?
    /// The conversion window, measured from entry; `nil` means the whole run.
    public var within: JourneyDuration?
    /// Whether reaching the goal ends the run (reason `goal`).
    public var exitsRun: Bool

    public init(event: String, condition: Expression? = nil, within: JourneyDuration? = nil, exitsRun: Bool = true) {
        self.event = event
        self.condition = condition
        self.within = within
        self.exitsRun = exitsRun
    }
}

/// Per-journey limits on sending.
public struct Limits: Sendable, Hashable, Codable {
    public var frequencyCap: FrequencyCap?
    public var quietHours: QuietHours?

    public init(frequencyCap: FrequencyCap? = nil, quietHours: QuietHours? = nil) {
        self.frequencyCap = frequencyCap
        self.quietHours = quietHours
    }
}

/// At most `max` sends of this journey per customer in any span of `per` (a rolling window).
public struct FrequencyCap: Sendable, Hashable, Codable {
    public var max: Int
    public var per: JourneyDuration
    /// When given, only sends on these channels count and are capped.
    public var channels: [String]?

    public init(max: Int, per: JourneyDuration, channels: [String]? = nil) {
        self.max = max
        self.per = per
        self.channels = channels
    }
}

/// A local-time window in which sends wait; includes `from`, excludes `to`, may cross midnight.
public struct QuietHours: Sendable, Hashable, Codable {
    public var from: LocalTime
    public var to: LocalTime

    public init(from: LocalTime, to: LocalTime) {
        self.from = from
        self.to = to
    }
}
