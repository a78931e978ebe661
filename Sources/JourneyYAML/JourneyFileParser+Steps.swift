import JourneyModel
import Yams

extension JourneyFileParser {
    static let stepKeys = ["id", "next", "on_event", "on_timeout"]

    static func decodeSteps(_ node: Node, context: DecodingContext) -> [Step] {
        guard let items = context.sequence(node, what: "`steps`") else { return [] }
        if items.isEmpty {
            context.error("empty-steps", "`steps` must list at least one step", at: node)
        }
        return items.enumerated().map { index, item in
            decodeStep(item, index: index, context: context)
        }
    }

    /// Decodes one step. A step whose action cannot be read keeps its id and
    /// place (as a zero wait) so that targets pointing at it are not reported twice.
    static func decodeStep(_ node: Node, index: Int, context: DecodingContext) -> Step {
        let path = JourneySourceMap.step(index)
        let placeholder = StepAction.wait(JourneyDuration(seconds: 0))
        guard let map = context.mapping(node, path: path, what: "step \(index + 1)", allowed: stepKeys + StepAction.keywords, required: ["id"]) else {
            return Step(id: "#\(index + 1)", action: placeholder)
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
                context.error("missing-action", "\(what) has no action", hint: "add one of: " + StepAction.keywords.joined(separator: ", "), at: node)
            } else {
                context.error("multiple-actions", "\(what) has \(actions.count) actions (\(actions.joined(separator: ", "))); a step does exactly one thing", hint: "split it into several steps", at: map.keyNode(actions[1]) ?? node)
            }
            return Step(id: id, action: placeholder, next: next)
        }
        for key in ["on_event", "on_timeout"] where map.contains(key) && keyword != "wait_for" {
            context.error("misplaced-key", "`\(key)` only applies to a `wait_for` step, and \(what) is a `\(keyword)` step", at: map.keyNode(key) ?? node)
        }
        let actionPath = "\(path).\(keyword)"
        let step = StepDecoder(context: context, what: what, path: actionPath)
        let action: StepAction?
        switch keyword {
        case "wait": action = context.duration(actionNode, what: "`wait` of \(what)").map(StepAction.wait)
        case "wait_until": action = step.waitUntil(actionNode).map(StepAction.waitUntil)
        case "wait_for":
            let onEvent = map["on_event"].flatMap { context.target($0, what: "`on_event` of \(what)") }
            let onTimeout = map["on_timeout"].flatMap { context.target($0, what: "`on_timeout` of \(what)") }
            action = step.waitFor(actionNode, onEvent: onEvent, onTimeout: onTimeout).map(StepAction.waitFor)
        case "branch": action = step.branch(actionNode).map(StepAction.branch)
        case "split": action = step.split(actionNode).map(StepAction.split)
        case "send": action = step.send(actionNode).map(StepAction.send)
        case "update": action = step.update(actionNode).map(StepAction.update)
        case "webhook": action = step.webhook(actionNode).map(StepAction.webhook)
        case "goto": action = context.target(actionNode, what: "`goto` of \(what)").map(StepAction.goto)
        default: action = context.nonEmptyString(actionNode, what: "`exit` of \(what)").map { StepAction.exit(reason: $0) }
        }
        return Step(id: id, action: action ?? placeholder, next: next)
    }
}
