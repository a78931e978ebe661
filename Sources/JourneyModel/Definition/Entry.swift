/// How customers enter a journey, and whether they may enter again.
public struct Entry: Sendable, Hashable, Codable {
    public var trigger: EntryTrigger
    public var reentry: ReentryPolicy

    public init(trigger: EntryTrigger, reentry: ReentryPolicy = .afterExit) {
        self.trigger = trigger
        self.reentry = reentry
    }
}

public enum EntryTrigger: Sendable, Hashable, Codable {
    /// Enter when the named event arrives and the condition holds.
    case event(name: String, condition: Expression?)
    /// Enter when the profile condition becomes true; rechecked every `recheck` for time-based conditions.
    case segment(condition: Expression, recheck: JourneyDuration)
    /// At each cron tick (journey time zone), every customer whose profile matches `audience` enters.
    case schedule(cron: CronSchedule, audience: Expression?)

    /// The default interval for re-evaluating a segment: one day.
    public static let defaultRecheck = JourneyDuration(seconds: 86_400)
}

/// Whether a customer who has been in the journey may enter again.
public enum ReentryPolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// At most one run, ever.
    case once
    /// One run at a time; a new run may start once the previous one ended.
    case afterExit
    /// Like `afterExit`, and not before the duration has passed since the last run ended.
    case cooldown(JourneyDuration)

    public var description: String {
        switch self {
        case .once: "once"
        case .afterExit: "after_exit"
        case .cooldown(let duration): "cooldown \(duration)"
        }
    }
}
