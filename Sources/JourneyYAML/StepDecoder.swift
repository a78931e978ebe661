import JourneyModel
import Yams

/// Decodes the body of one step's action. One method per action kind; each
/// reports its own problems and returns `nil` when the action is unusable.
struct StepDecoder {
    let context: DecodingContext
    /// "step `remind`", for messages.
    let what: String
    /// Source-map path of the action node, such as `steps[1].send`.
    let path: String

    func waitUntil(_ node: Node) -> WaitUntil? {
        if case .scalar = node {
            return context.localTime(node, what: "`wait_until` of \(what)").map { WaitUntil(time: $0) }
        }
        guard let map = context.mapping(node, path: path, what: "`wait_until` of \(what)", allowed: ["time", "weekdays"], required: ["time"]) else {
            return nil
        }
        // Both keys are read before giving up, so a bad time does not hide a bad weekday.
        let time = map["time"].flatMap { context.localTime($0, what: "`wait_until.time` of \(what)") }
        guard let weekdaysNode = map["weekdays"] else { return time.map { WaitUntil(time: $0) } }
        let days = weekdays(weekdaysNode)
        guard let time, let days else { return nil }
        return WaitUntil(time: time, weekdays: days)
    }

    /// The days of a `wait_until`, each problem reported; nil when any is wrong.
    private func weekdays(_ weekdaysNode: Node) -> Set<Weekday>? {
        let items: [Node]
        if case .scalar = weekdaysNode {
            items = [weekdaysNode]
        } else {
            guard let list = context.sequence(weekdaysNode, what: "`weekdays` of \(what)") else { return nil }
            items = list
        }
        if items.isEmpty {
            context.error(
                "empty-weekdays", "`weekdays` of \(what) lists no day, so the wait would never end",
                hint: "list the days, such as `[mon, tue, wed, thu, fri]`, or leave `weekdays` out for every day", at: weekdaysNode)
            return nil
        }
        var weekdays: Set<Weekday> = []
        var broken = false
        for item in items {
            guard let name = context.nonEmptyString(item, what: "a weekday of \(what)") else {
                broken = true
                continue
            }
            guard let day = Weekday.parse(name) else {
                let hint = Suggestions.didYouMean(name, in: Weekday.allCases.map(\.rawValue)).map { "\($0) " } ?? ""
                context.error("invalid-weekday", "`\(name)` is not a weekday", hint: hint + Weekday.syntaxHelp, at: item)
                broken = true
                continue
            }
            weekdays.insert(day)
        }
        return broken ? nil : weekdays
    }

    func waitFor(_ node: Node, onEvent: Target?, onTimeout: Target?) -> WaitFor? {
        guard let map = context.mapping(node, path: path, what: "`wait_for` of \(what)", allowed: ["event", "where", "timeout"], required: ["event", "timeout"]),
            let event = map["event"].flatMap({ context.nonEmptyString($0, what: "`wait_for.event` of \(what)") }),
            let timeout = map["timeout"].flatMap({ context.duration($0, what: "`wait_for.timeout` of \(what)") })
        else { return nil }
        let condition = map["where"].flatMap { context.expression($0, what: "`wait_for.where` of \(what)", expecting: .bool) }
        return WaitFor(event: event, condition: condition, timeout: timeout, onEvent: onEvent, onTimeout: onTimeout)
    }

    /// The branch, and whether it ends with `else` (a missing one is reported here).
    func branch(_ node: Node) -> (branch: Branch, hasElse: Bool)? {
        guard let items = context.sequence(node, what: "`branch` of \(what)", hint: "write each branch as a list item: `- when: EXPR` with `goto: TARGET`, then `- else: TARGET`") else { return nil }
        var cases: [Branch.Case] = []
        var otherwise: Target?
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let map = context.mapping(item, path: itemPath, what: "branch \(index + 1) of \(what)", allowed: ["when", "goto", "else"]) else { continue }
            if let elseNode = map["else"] {
                if map.contains("when") || map.contains("goto") {
                    context.error("invalid-branch", "an `else` branch takes no `when` or `goto`: write `- else: TARGET`", at: item)
                }
                if index != items.count - 1 {
                    context.error("else-not-last", "`else` must be the last branch of \(what); the branches after it can never be taken", hint: "move `- else: …` to the end of the list", at: item)
                }
                otherwise = context.target(elseNode, what: "`else` of \(what)")
                continue
            }
            guard let whenNode = map["when"], let gotoNode = map["goto"] else {
                context.error("invalid-branch", "branch \(index + 1) of \(what) needs both `when` and `goto`", at: item)
                continue
            }
            let condition = context.expression(whenNode, what: "`when` of \(what)", expecting: .bool)
            guard let target = context.target(gotoNode, what: "`goto` of \(what)") else { continue }
            // A condition that did not parse is already reported; its target is still checked.
            let placeholder = Expression(source: whenNode.scalar?.string ?? "", root: .literal(.bool(false)))
            cases.append(Branch.Case(condition: condition ?? placeholder, target: target))
        }
        if items.isEmpty {
            context.error("empty-branch", "`branch` of \(what) lists no branches", hint: "add `- when: EXPR` with `goto: TARGET` items and a last `- else: TARGET`", at: node)
            return nil
        } else if otherwise == nil {
            context.error("branch-without-else", "`branch` of \(what) has no `else`", hint: "end the list with `- else: TARGET` (a step id or `end`)", at: items.last ?? node)
        }
        return (Branch(cases: cases, otherwise: otherwise ?? .end), otherwise != nil)
    }

    func split(_ node: Node) -> Split? {
        guard let map = context.mapping(node, path: path, what: "`split` of \(what)", allowed: ["variants", "holdout"], required: ["variants"]),
            let variantsNode = map["variants"],
            let items = context.sequence(variantsNode, what: "`variants` of \(what)", hint: "write each variant as a list item: `- { name: a, weight: 1, goto: STEP }`")
        else { return nil }
        if items.isEmpty {
            context.error("empty-split", "`split` of \(what) lists no variants", hint: "add at least one `- { name: a, weight: 1, goto: STEP }`", at: variantsNode)
        }
        var variants: [Split.Variant] = []
        for (index, item) in items.enumerated() {
            guard let variant = context.mapping(item, path: "\(path).variants[\(index)]", what: "variant \(index + 1) of \(what)", allowed: ["name", "weight", "goto"], required: ["name", "weight", "goto"]),
                let name = variant["name"].flatMap({ context.nonEmptyString($0, what: "variant `name`") }),
                let weight = variant["weight"].flatMap({ context.number($0, what: "`weight` of variant `\(context.scalarTextQuietly(variant["name"]) ?? "?")`") }),
                let target = variant["goto"].flatMap({ context.target($0, what: "`goto` of variant `\(name)`") })
            else { continue }
            variants.append(Split.Variant(name: name, weight: weight, target: target))
        }
        // An invalid holdout is reported and read as 0 so the variants are still checked.
        let holdout = map["holdout"].flatMap { context.percent($0, what: "`holdout` of \(what)") } ?? 0
        guard !variants.isEmpty else { return nil }
        return Split(variants: variants, holdoutPercent: holdout)
    }

    func send(_ node: Node) -> Send? {
        guard let map = context.mapping(node, path: path, what: "`send` of \(what)", allowed: ["channel", "template", "message", "data", "fallback"], required: ["channel"]),
            let channelNode = map["channel"]
        else { return nil }
        let template = map["template"].flatMap { context.nonEmptyString($0, what: "`template` of \(what)") }
        let message = map["message"].flatMap { context.scalarText($0, what: "`message` of \(what)") }
        if map.contains("template") && map.contains("message") {
            context.error("template-and-message", "\(what) has both `template` and `message`; give one", at: map.keyNode("message") ?? node)
        } else if !map.contains("template") && !map.contains("message") {
            context.error("missing-content", "\(what) sends nothing: add `template: NAME` or an inline `message:`", at: node)
        }
        let data = map["data"].map { context.json($0) }
        if let data, data.objectValue == nil {
            context.error("invalid-data", "`data` of \(what) must be a map, not a \(map["data"]!.kindName)", hint: "name each value, for example `data: { code: SAVE10 }`", at: map["data"]!)
        }
        let fallback = map["fallback"].flatMap { context.stringList($0, what: "`fallback` of \(what)") }
        guard let channel = channelSelection(channelNode, fallback: fallback, fallbackKey: map.keyNode("fallback")) else { return nil }
        return Send(channel: channel, template: template, message: message, data: data)
    }

    private func channelSelection(_ channelNode: Node, fallback: [String]?, fallbackKey: Node?) -> ChannelSelection? {
        guard let names = context.stringList(channelNode, what: "`channel` of \(what)") else { return nil }
        if case .sequence = channelNode {
            if names.contains("preferred") {
                context.error("invalid-channel", "`preferred` cannot be part of a chain in \(what)", hint: "write `channel: preferred` with `fallback: [..]`", at: channelNode)
            }
            if let fallbackKey {
                context.error("misplaced-key", "`fallback` only applies to `channel: preferred` in \(what); a list is already a fallback chain", hint: "add the fallback channels to the end of the `channel` list", at: fallbackKey)
            }
            return .chain(names)
        }
        if names == ["preferred"] {
            return .preferred(fallback: fallback ?? [])
        }
        if let fallbackKey {
            context.error("misplaced-key", "`fallback` only applies to `channel: preferred` in \(what)", hint: "to try several channels write `channel: [\(names[0]), …]`", at: fallbackKey)
        }
        return .single(names[0])
    }
}

extension DecodingContext {
    /// A scalar's text for a message, without reporting anything.
    func scalarTextQuietly(_ node: Node?) -> String? {
        node?.scalar?.string
    }
}
