/// One step of a journey: an id, exactly one action, and where to go afterwards.
public struct Step: Sendable, Hashable, Codable {
    /// `^[a-z][a-z0-9_]*$`, unique in the journey.
    public var id: String
    public var action: StepAction
    /// `next:`; when `nil` the run goes on with the following step in the list.
    public var next: Target?

    public init(id: String, action: StepAction, next: Target? = nil) {
        self.id = id
        self.action = action
        self.next = next
    }
}

/// Where a run goes: a step, or the end of the journey (reason `completed`).
public enum Target: Sendable, Hashable, Codable, CustomStringConvertible {
    case step(String)
    case end

    public init(_ text: String) {
        self = text == "end" ? .end : .step(text)
    }

    public var description: String {
        switch self {
        case .step(let id): id
        case .end: "end"
        }
    }
}

/// What a step does. Each case is one action key of the language.
public enum StepAction: Sendable, Hashable, Codable {
    case wait(JourneyDuration)
    case waitUntil(WaitUntil)
    case waitFor(WaitFor)
    case branch(Branch)
    case split(Split)
    case send(Send)
    case update(ProfileUpdate)
    case webhook(Webhook)
    case goto(Target)
    case exit(reason: String)

    /// The YAML key that introduces this action.
    public var keyword: String {
        switch self {
        case .wait: "wait"
        case .waitUntil: "wait_until"
        case .waitFor: "wait_for"
        case .branch: "branch"
        case .split: "split"
        case .send: "send"
        case .update: "update"
        case .webhook: "webhook"
        case .goto: "goto"
        case .exit: "exit"
        }
    }

    /// Whether a run pauses at this step (so a cycle through it is not a busy loop).
    public var isWait: Bool {
        switch self {
        case .wait, .waitUntil, .waitFor: true
        default: false
        }
    }

    /// Every action key of the language, for "did you mean" hints.
    public static let keywords = ["wait", "wait_until", "wait_for", "branch", "split", "send", "update", "webhook", "goto", "exit"]
}

/// `wait_until`: pause until the next such local time, optionally on some weekdays only.
public struct WaitUntil: Sendable, Hashable, Codable {
    public var time: LocalTime
    public var weekdays: Set<Weekday>?

    public init(time: LocalTime, weekdays: Set<Weekday>? = nil) {
        self.time = time
        self.weekdays = weekdays
    }
}

/// `wait_for`: pause until a matching event arrives or the timeout passes.
public struct WaitFor: Sendable, Hashable, Codable {
    public var event: String
    public var condition: Expression?
    public var timeout: JourneyDuration
    /// Where to go when the event arrives; `nil` means the next step.
    public var onEvent: Target?
    /// Where to go on timeout; `nil` means the next step.
    public var onTimeout: Target?

    public init(event: String, condition: Expression? = nil, timeout: JourneyDuration, onEvent: Target? = nil, onTimeout: Target? = nil) {
        self.event = event
        self.condition = condition
        self.timeout = timeout
        self.onEvent = onEvent
        self.onTimeout = onTimeout
    }
}

/// `branch`: the first case whose condition holds, else `otherwise`.
public struct Branch: Sendable, Hashable, Codable {
    public struct Case: Sendable, Hashable, Codable {
        public var condition: Expression
        public var target: Target

        public init(condition: Expression, target: Target) {
            self.condition = condition
            self.target = target
        }
    }

    public var cases: [Case]
    public var otherwise: Target

    public init(cases: [Case], otherwise: Target) {
        self.cases = cases
        self.otherwise = otherwise
    }
}

/// `split`: A/B/n assignment by a stable hash, with an optional holdout share.
public struct Split: Sendable, Hashable, Codable {
    public struct Variant: Sendable, Hashable, Codable {
        public var name: String
        /// Relative weight; must be positive.
        public var weight: Double
        public var target: Target

        public init(name: String, weight: Double, target: Target) {
            self.name = name
            self.weight = weight
            self.target = target
        }
    }

    public var variants: [Variant]
    /// Percent (0–100) of customers held out as the control group.
    public var holdoutPercent: Double

    public init(variants: [Variant], holdoutPercent: Double = 0) {
        self.variants = variants
        self.holdoutPercent = holdoutPercent
    }

    /// The variant name recorded for the control group.
    public static let holdoutName = "holdout"
}
