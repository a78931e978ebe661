import JourneyModel
import Yams

extension JourneyFileParser {
    static let stepKeys = ["id", "next", "on_event", "on_timeout"]

    static func decodeSteps(_ node: Node, context: DecodingContext) -> [Step] {
        guard let items = context.sequence(node, what: "`steps`", hint: "write each step as a list item: `- id: NAME` with its action on the next line") else { return [] }
        if items.isEmpty {
            context.error("empty-steps", "`steps` must list at least one step", hint: "for example `- id: welcome` with `send: { channel: email, template: welcome }`", at: node)
        }
        let decoded = items.enumerated().map { index, item in
            decodeStep(item, index: index, context: context)
        }
        var steps = decoded.map(\.step)
        // A branch without `else` is reported; the run is taken to fall through to the
        // next step so that the steps after it are not also reported as unreachable.
        for (index, entry) in decoded.enumerated() where entry.branchLacksElse {
            guard case .branch(var branch) = steps[index].action else { continue }
            branch.otherwise = index + 1 < steps.count ? .step(steps[index + 1].id) : .end
            steps[index].action = .branch(branch)
        }
        return steps
    }

    /// Steps that decide for themselves where the run goes, so `next:` would never be used.
    static func reasonNextIsIgnored(_ keyword: String, map: MappingReader) -> String? {
        switch keyword {
        case "goto": "a `goto` step already says where to go"
        case "branch": "a `branch` step goes where its branches send it"
        case "split": "a `split` step goes where its variants send it"
        case "exit": "an `exit` step ends the run"
        case "wait_for" where map.contains("on_event") && map.contains("on_timeout"): "its `on_event` and `on_timeout` say where to go"
        default: nil
        }
    }

    /// The text of a step's `id`, read without reporting anything, to name the step in messages.
    static func peekID(_ node: Node) -> String? {
        guard case .mapping(let mapping) = node else { return nil }
        for (key, value) in mapping where key.scalar?.string == "id" {
            guard case .scalar(let scalar) = value, !scalar.string.trimmingWhitespace.isEmpty else { return nil }
            return scalar.string
        }
        return nil
    }

    /// Decodes one step. A step whose action cannot be read keeps its id and
    /// place (as a zero wait) so that targets pointing at it are not reported twice.
    /// `branchLacksElse` marks a `branch` whose missing `else` was reported.
    static func decodeStep(_ node: Node, index: Int, context: DecodingContext) -> (step: Step, branchLacksElse: Bool) {
        let path = JourneySourceMap.step(index)
        let placeholder = StepAction.wait(JourneyDuration(seconds: 0))
        let allowed = stepKeys + StepAction.keywords
        let name = peekID(node).map { "step `\($0)`" } ?? "step \(index + 1)"
        if case .scalar(let scalar) = node {
            // `- welcome`: a step written as just its name.
            context.record(path, node)
            let id = Identifiers.isStepID(scalar.string) ? scalar.string : Identifiers.suggestStepID(scalar.string)
            context.error(
                "expected-map", "step \(index + 1) must be a map with an `id` and an action, not a single value",
                hint: "for example `- id: \(id)`, then `send: …` (or another action) on the next line, indented", at: node)
            return (Step(id: "#\(index + 1)", action: placeholder), false)
        }
        guard let map = context.mapping(node, path: path, what: name, allowed: allowed, required: ["id"]) else {
            return (Step(id: "#\(index + 1)", action: placeholder), false)
        }
        var id = "#\(index + 1)"
        if let idNode = map["id"], let text = context.nonEmptyString(idNode, what: "a step `id`") {
            id = text
            if !Identifiers.isStepID(text) {
                context.error("invalid-step-id", "step id `\(text)` must be lowercase letters, digits and '_', starting with a letter", hint: "for example `\(Identifiers.suggestStepID(text))`", at: idNode)
            }
        }
        let what = "step `\(id)`"
        let actions = map.keys.filter { StepAction.keywords.contains($0) }
        let next = map["next"].flatMap { context.target($0, what: "`next` of \(what)") }
        guard actions.count == 1, let keyword = actions.first, let actionNode = map[keyword] else {
            if actions.isEmpty {
                // A misspelt action (`wait_fro`) is already reported as an unknown key with a hint.
                let misspeltAction = Self.rawKeys(of: node).contains { key in
                    !allowed.contains(key) && closestMatch(to: key, in: allowed).map(StepAction.keywords.contains) == true
                }
                if !misspeltAction {
                    context.error("missing-action", "\(what) has no action", hint: "add one of: " + StepAction.keywords.joined(separator: ", "), at: node)
                }
            } else {
                context.error("multiple-actions", "\(what) has \(actions.count) actions (\(actions.joined(separator: ", "))); a step does exactly one thing", hint: "split it into several steps", at: map.keyNode(actions[1]) ?? node)
            }
            return (Step(id: id, action: placeholder, next: next), false)
        }
        for key in ["on_event", "on_timeout"] where map.contains(key) && keyword != "wait_for" {
            context.error("misplaced-key", "`\(key)` only applies to a `wait_for` step, and \(what) is a `\(keyword)` step", hint: "use `next: TARGET` to say where the run goes after it", at: map.keyNode(key) ?? node)
        }
        if map.contains("next"), let reason = reasonNextIsIgnored(keyword, map: map) {
            context.error("misplaced-key", "`next` has no effect on \(what): \(reason)", hint: "remove `next`", at: map.keyNode("next") ?? node)
        }
        let actionPath = "\(path).\(keyword)"
        let step = StepDecoder(context: context, what: what, path: actionPath)
        let action: StepAction?
        var branchLacksElse = false
        switch keyword {
        case "wait": action = context.duration(actionNode, what: "`wait` of \(what)").map(StepAction.wait)
        case "wait_until": action = step.waitUntil(actionNode).map(StepAction.waitUntil)
        case "wait_for":
            let onEvent = map["on_event"].flatMap { context.target($0, what: "`on_event` of \(what)") }
            let onTimeout = map["on_timeout"].flatMap { context.target($0, what: "`on_timeout` of \(what)") }
            action = step.waitFor(actionNode, onEvent: onEvent, onTimeout: onTimeout).map(StepAction.waitFor)
        case "branch":
            let decoded = step.branch(actionNode)
            action = decoded.map { StepAction.branch($0.branch) }
            branchLacksElse = decoded?.hasElse == false
        case "split": action = step.split(actionNode).map(StepAction.split)
        case "send": action = step.send(actionNode).map(StepAction.send)
        case "update": action = step.update(actionNode).map(StepAction.update)
        case "webhook": action = step.webhook(actionNode).map(StepAction.webhook)
        case "goto": action = context.target(actionNode, what: "`goto` of \(what)").map(StepAction.goto)
        default: action = context.nonEmptyString(actionNode, what: "`exit` of \(what)").map { StepAction.exit(reason: $0) }
        }
        return (Step(id: id, action: action ?? placeholder, next: next), branchLacksElse)
    }

    /// The keys of a map as written, the ones the language does not allow included.
    static func rawKeys(of node: Node) -> [String] {
        guard case .mapping(let mapping) = node else { return [] }
        return mapping.compactMap { $0.key.scalar?.string }
    }
}
