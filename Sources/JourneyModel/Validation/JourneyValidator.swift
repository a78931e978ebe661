/// Checks the meaning of a decoded journey: that every target exists, every
/// step can be reached, no loop spins without waiting, templates exist,
/// splits are well-formed. Syntax problems are the YAML front end's; this
/// works on any ``JourneyDefinition``, however it was built.
public struct JourneyValidator: Sendable {
    /// Extra channel names the deployment configures beyond the built-in ones.
    public var knownChannels: Set<String>
    /// `nil` skips the template checks (for definitions that did not come from a folder).
    public var templates: TemplateCatalog?
    /// Checks the syntax of inline templates; `nil` (no template engine at hand) skips it.
    public var templateSyntax: TemplateSyntaxCheck?

    public init(knownChannels: Set<String> = Set(BuiltInChannel.names), templates: TemplateCatalog? = nil, templateSyntax: TemplateSyntaxCheck? = nil) {
        self.knownChannels = knownChannels
        self.templates = templates
        self.templateSyntax = templateSyntax
    }

    public func validate(_ definition: JourneyDefinition, sourceMap: JourneySourceMap) -> [Diagnostic] {
        var run = ValidationRun(definition: definition, sourceMap: sourceMap, graph: StepGraph(definition))
        run.checkStepIDs()
        run.checkTargets()
        run.checkReachability()
        run.checkCycles()
        for (index, step) in definition.steps.enumerated() {
            switch step.action {
            case .split(let split): run.checkSplit(split, at: index)
            case .send(let send):
                run.checkSend(send, at: index, templates: templates, knownChannels: knownChannels)
                if let message = send.message {
                    run.checkInlineTemplate(message, what: "the message", path: "\(JourneySourceMap.step(index)).send.message", syntax: templateSyntax)
                }
            case .webhook(let webhook):
                run.checkWebhook(webhook, at: index, templates: templates)
                let path = "\(JourneySourceMap.step(index)).webhook"
                run.checkInlineTemplate(webhook.url, what: "the URL", path: "\(path).url", syntax: templateSyntax)
                for name in webhook.headers.keys.sorted() {
                    run.checkInlineTemplate(webhook.headers[name]!, what: "header `\(name)`", path: "\(path).headers", syntax: templateSyntax)
                }
                if case .json(let body) = webhook.body {
                    run.checkInlineTemplates(in: body, what: "a text of the body", path: "\(path).body", syntax: templateSyntax)
                }
            default: break
            }
        }
        if let channels = definition.limits.frequencyCap?.channels {
            for channel in channels where !knownChannels.contains(channel) {
                run.unknownChannel(channel, path: "limits.frequency_cap.channels", knownChannels: knownChannels)
            }
        }
        return run.diagnostics.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }
}

/// The diagnostics of one validation, and the context every check needs.
struct ValidationRun {
    let definition: JourneyDefinition
    let sourceMap: JourneySourceMap
    let graph: StepGraph
    var diagnostics: [Diagnostic] = []

    init(definition: JourneyDefinition, sourceMap: JourneySourceMap, graph: StepGraph) {
        self.definition = definition
        self.sourceMap = sourceMap
        self.graph = graph
    }

    mutating func error(_ code: String, _ message: String, hint: String? = nil, path: String) {
        diagnostics.append(.error(code, message, hint: hint, at: sourceMap.location(path)))
    }

    mutating func warning(_ code: String, _ message: String, hint: String? = nil, path: String) {
        diagnostics.append(.warning(code, message, hint: hint, at: sourceMap.location(path)))
    }

    /// Steps whose id the YAML front end could not read are named `#N` and skipped here.
    var namedStepIDs: [String] { definition.steps.map(\.id).filter { !$0.hasPrefix("#") } }

    mutating func checkStepIDs() {
        var seen: [String: Int] = [:]
        for (index, step) in definition.steps.enumerated() where !step.id.hasPrefix("#") {
            if let first = seen[step.id] {
                error("duplicate-step-id", "step id `\(step.id)` is already used by step \(first + 1)", hint: "step ids must be unique within a journey", path: "\(JourneySourceMap.step(index)).id")
            } else {
                seen[step.id] = index
            }
            if step.id == "end" {
                error("reserved-step-id", "`end` is reserved: it is the target that ends a run", hint: "give the step another id, such as `finish`", path: "\(JourneySourceMap.step(index)).id")
            }
        }
    }

    /// Whether some step a run can reach goes to a target that names no step: the author
    /// meant some step, which any step might be.
    func reachesUnknownTarget(_ reachable: Set<Int>) -> Bool {
        graph.edges.contains { edge in
            if edge.to == nil, case .step = edge.target { return reachable.contains(edge.from) }
            return false
        }
    }

    mutating func checkTargets() {
        let ids = namedStepIDs
        for edge in graph.edges {
            guard edge.to == nil, case .step(let id) = edge.target else { continue }
            let known = ids.count <= 12 ? "targets are `end` or a step id: " + ids.map { "`\($0)`" }.joined(separator: ", ") : "targets are step ids or `end`"
            let hint = closestMatch(to: id, in: ids + ["end"]).map { "did you mean `\($0)`?" } ?? known
            error("unknown-target", "step `\(graph.steps[edge.from].id)` goes to `\(id)`, which is not a step of this journey", hint: hint, path: edge.path)
        }
    }

    /// Warns about steps no run can reach. Skipped when a reachable step goes to a target
    /// that names no step (the author meant some step, and guessing which would give false
    /// warnings), and for a step whose id repeats an earlier one (already an error). An
    /// unknown target on a step no run reaches changes nothing: that step is unreachable
    /// whatever it meant.
    mutating func checkReachability() {
        let reachable = graph.reachable()
        guard !reachesUnknownTarget(reachable) else { return }
        var seen: Set<String> = []
        for (index, step) in definition.steps.enumerated() {
            guard seen.insert(step.id).inserted, !reachable.contains(index) else { continue }
            warning("unreachable-step", "step `\(step.id)` can never be reached", hint: "no step goes to it and the step before it does not fall through", path: JourneySourceMap.step(index))
        }
    }

    mutating func checkCycles() {
        for cycle in graph.cyclesWithoutWait() {
            let names = cycle.map { "`\(definition.steps[$0].id)`" }
            let loop = (names + [names[0]]).joined(separator: " → ")
            error("cycle-without-wait", "steps \(loop) form a loop with no wait: a run would go round it forever", hint: "put a `wait`, `wait_until` or `wait_for` step on the loop", path: JourneySourceMap.step(cycle[0]))
        }
    }

    mutating func checkSplit(_ split: Split, at index: Int) {
        let path = "\(JourneySourceMap.step(index)).split"
        var names: Set<String> = []
        for (variantIndex, variant) in split.variants.enumerated() {
            let variantPath = "\(path).variants[\(variantIndex)]"
            if !(variant.weight > 0) {
                error("invalid-weight", "variant `\(variant.name)` has weight \(JSONValue.format(variant.weight)); weights must be positive", hint: "weights are relative: 1 and 1 split evenly, 3 and 1 give 75% and 25%", path: "\(variantPath).weight")
            }
            if variant.name == Split.holdoutName {
                error("reserved-variant-name", "`holdout` is reserved for the control group; name the variant something else", path: "\(variantPath).name")
            } else if !names.insert(variant.name).inserted {
                error("duplicate-variant", "variant name `\(variant.name)` is used twice in this split", hint: "variant names must differ: reports count conversions per variant", path: "\(variantPath).name")
            }
        }
        if split.holdoutPercent >= 100 {
            warning("all-holdout", "holdout is 100%: every customer is in the control group and no variant runs", hint: "a holdout is usually a small share, such as `holdout: 10%`", path: "\(path).holdout")
        }
    }
}
