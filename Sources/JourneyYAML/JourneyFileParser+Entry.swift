import JourneyModel
import Yams

extension JourneyFileParser {
    static let entryKeys = ["event", "where", "segment", "recheck", "schedule", "audience", "reentry"]

    static func decodeEntry(_ node: Node, context: DecodingContext) -> Entry? {
        if case .scalar(let scalar) = node {
            // `entry: signup` — the event name without its key.
            context.record("entry", node)
            let example = Identifiers.isEventName(scalar.string) ? scalar.string : "signup"
            context.error(
                "expected-map", "`entry` must be a map that says how customers enter",
                hint: "for example `entry: { event: \(example) }`, or a `segment` or `schedule` entry", at: node)
            return nil
        }
        guard let map = context.mapping(node, path: "entry", what: "`entry`", allowed: entryKeys) else { return nil }
        let kinds = ["event", "segment", "schedule"].filter { map.contains($0) }
        guard kinds.count == 1 else {
            if kinds.isEmpty {
                context.error(
                    "missing-entry-kind", "`entry` needs exactly one of `event`, `segment` or `schedule`",
                    hint: "for example `event: signup`, `segment: \"profile.vip == true\"` or `schedule: \"0 10 * * mon\"`", at: node)
            } else {
                context.error(
                    "conflicting-entry-kinds", "`entry` has both `\(kinds[0])` and `\(kinds[1])`; a journey has exactly one way in",
                    hint: "keep one; for a second way in, write a second journey", at: map.keyNode(kinds[1]) ?? node)
            }
            return nil
        }
        let kind = kinds[0]
        let companions = ["event": "where", "segment": "recheck", "schedule": "audience"]
        for other in ["event", "segment", "schedule"] {
            guard other != kind, let companion = companions[other], map.contains(companion) else { continue }
            context.error(
                "misplaced-key", "`\(companion)` belongs with \(Self.entryKindPhrase(other)), not \(Self.entryKindPhrase(kind))",
                at: map.keyNode(companion) ?? node)
        }
        let reentry = map["reentry"].flatMap { decodeReentry($0, context: context) } ?? .afterExit
        let trigger: EntryTrigger?
        switch kind {
        case "event":
            let name = context.nonEmptyString(map["event"]!, what: "`entry.event`")
            let condition = map["where"].flatMap { context.expression($0, what: "`entry.where`", expecting: .bool) }
            trigger = name.map { .event(name: $0, condition: condition) }
        case "segment":
            let condition = context.expression(map["segment"]!, what: "`entry.segment`", expecting: .bool)
            warnAboutEventPaths(in: condition, of: "a segment", at: map["segment"]!, context: context)
            let recheck = map["recheck"].map { context.duration($0, what: "`entry.recheck`") } ?? EntryTrigger.defaultRecheck
            trigger = condition.flatMap { condition in recheck.map { .segment(condition: condition, recheck: $0) } }
        default:
            let cron = context.cron(map["schedule"]!, what: "`entry.schedule`")
            // Required: a campaign that reaches every customer must say so, never happen by omission.
            guard let audienceNode = map["audience"] else {
                context.error(
                    "missing-key", "a `schedule` entry is missing the required key `audience`: the customers who enter at each tick",
                    hint: "for example `audience: \"profile.member == true\"`; `audience: \"true\"` enters every known customer", at: node)
                return nil
            }
            let audience = context.expression(audienceNode, what: "`entry.audience`", expecting: .bool)
            warnAboutEventPaths(in: audience, of: "an audience", at: audienceNode, context: context)
            trigger = cron.flatMap { cron in audience.map { .schedule(cron: cron, audience: $0) } }
        }
        return trigger.map { Entry(trigger: $0, reentry: reentry) }
    }

    /// A segment or an audience is a condition over the profile: no event is part of it, so an
    /// `event.…` path there is always null, which is almost certainly not what the author meant.
    static func warnAboutEventPaths(in expression: Expression?, of what: String, at node: Node, context: DecodingContext) {
        guard let path = expression?.paths.first(where: { $0.root == .event }) else { return }
        context.warning(
            "event-in-profile-condition", "`\(path)` is always null in \(what): it is a condition over the profile, and no event is part of it",
            hint: "to enter when an event arrives, use `entry.event` with `where`", at: node)
    }

    /// "an `event` entry", "a `segment` entry".
    static func entryKindPhrase(_ kind: String) -> String {
        (kind == "event" ? "an" : "a") + " `\(kind)` entry"
    }

    static func decodeReentry(_ node: Node, context: DecodingContext) -> ReentryPolicy? {
        guard let text = context.scalarText(node, what: "`entry.reentry`") else { return nil }
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        switch words.first {
        case "once" where words.count == 1: return .once
        case "after_exit" where words.count == 1: return .afterExit
        case "cooldown":
            let rest = words.dropFirst().joined(separator: " ")
            guard !rest.isEmpty else {
                context.error(
                    "invalid-reentry", "`reentry: cooldown` needs a duration: how long after a run ends before the customer may enter again",
                    hint: "for example: reentry: \"cooldown 7d\"", at: node)
                return nil
            }
            guard words.count == 2, let duration = JourneyDuration.parse(rest) else {
                context.error("invalid-duration", "`cooldown` needs a duration, not `\(rest)`", hint: Suggestions.duration(rest, prefix: "cooldown "), at: node)
                return nil
            }
            return .cooldown(duration)
        default:
            let hint = closestMatch(to: String(words.first ?? ""), in: ["once", "after_exit", "cooldown"]).map { "did you mean `\($0)`?" }
            context.error("invalid-reentry", "`reentry` must be `once`, `after_exit` or `cooldown DURATION`, not `\(text)`", hint: hint ?? "for example: reentry: \"cooldown 7d\"", at: node)
            return nil
        }
    }

    static func decodeExits(_ node: Node, context: DecodingContext) -> [EventCriterion] {
        guard let items = context.sequence(node, what: "`exit`", hint: "write each exit as a list item: `- event: NAME`") else { return [] }
        return items.enumerated().compactMap { index, item in
            let path = "exit[\(index)]"
            guard let map = context.mapping(item, path: path, what: "exit criterion \(index + 1)", allowed: ["event", "where"], required: ["event"]),
                let eventNode = map["event"], let event = context.nonEmptyString(eventNode, what: "`exit.event`")
            else { return nil }
            let condition = map["where"].flatMap { context.expression($0, what: "`exit.where`", expecting: .bool) }
            return EventCriterion(event: event, condition: condition)
        }
    }

    static func decodeGoal(_ node: Node, context: DecodingContext) -> Goal? {
        guard let map = context.mapping(node, path: "goal", what: "`goal`", allowed: ["event", "where", "within", "exit"], required: ["event"]),
            let eventNode = map["event"], let event = context.nonEmptyString(eventNode, what: "`goal.event`")
        else { return nil }
        let condition = map["where"].flatMap { context.expression($0, what: "`goal.where`", expecting: .bool) }
        let within = map["within"].flatMap { context.duration($0, what: "`goal.within`") }
        let exits = map["exit"].flatMap { context.bool($0, what: "`goal.exit`") } ?? true
        return Goal(event: event, condition: condition, within: within, exitsRun: exits)
    }

    static func decodeLimits(_ node: Node, context: DecodingContext) -> Limits {
        guard let map = context.mapping(node, path: "limits", what: "`limits`", allowed: ["frequency_cap", "quiet_hours"]) else { return Limits() }
        var limits = Limits()
        if let capNode = map["frequency_cap"],
            let cap = context.mapping(capNode, path: "limits.frequency_cap", what: "`frequency_cap`", allowed: ["max", "per", "channels"], required: ["max", "per"]),
            let max = cap["max"].flatMap({ context.integer($0, what: "`frequency_cap.max`", minimum: 1) }),
            let per = cap["per"].flatMap({ context.duration($0, what: "`frequency_cap.per`") })
        {
            let channels = cap["channels"].flatMap { context.stringList($0, what: "`frequency_cap.channels`") }
            limits.frequencyCap = FrequencyCap(max: max, per: per, channels: channels)
        }
        if let quietNode = map["quiet_hours"],
            let quiet = context.mapping(quietNode, path: "limits.quiet_hours", what: "`quiet_hours`", allowed: ["from", "to"], required: ["from", "to"]),
            let from = quiet["from"].flatMap({ context.localTime($0, what: "`quiet_hours.from`") }),
            let to = quiet["to"].flatMap({ context.localTime($0, what: "`quiet_hours.to`") })
        {
            if from == to {
                context.warning("empty-quiet-hours", "`quiet_hours` from and to are both \(from); the window is empty", hint: "remove `quiet_hours`, or give a window such as `{ from: \"21:00\", to: \"08:00\" }`", at: quietNode)
            }
            limits.quietHours = QuietHours(from: from, to: to)
        }
        return limits
    }
}
