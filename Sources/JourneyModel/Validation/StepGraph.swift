/// The control-flow graph of a journey's steps: which step can follow which.
///
/// Built once from a definition and used by the validator (reachability,
/// loops without a wait) and by reports that draw the journey.
public struct StepGraph: Sendable {
    public struct Edge: Sendable, Hashable {
        /// Index of the step the edge leaves.
        public var from: Int
        /// Index of the step it enters, or `nil` for the end of the journey.
        public var to: Int?
        /// What takes this edge: `next`, `timeout`, `event`, a branch condition, a variant name …
        public var label: String
        /// The source-map path of the key that names the target.
        public var path: String
        public var target: Target
    }

    public let steps: [Step]
    public let edges: [Edge]
    private let indexByID: [String: Int]

    public init(_ definition: JourneyDefinition) {
        steps = definition.steps
        var indexByID: [String: Int] = [:]
        for (index, step) in steps.enumerated() where indexByID[step.id] == nil {
            indexByID[step.id] = index
        }
        self.indexByID = indexByID
        var edges: [Edge] = []
        for (index, step) in steps.enumerated() {
            let path = JourneySourceMap.step(index)
            let following: Target = step.next ?? (index + 1 < steps.count ? .step(steps[index + 1].id) : .end)
            let nextPath = step.next == nil ? path : "\(path).next"
            // Falling through enters the step below, whatever its id says (a repeated id would
            // otherwise resolve to the first step of that id, and draw a loop that is not there).
            let below = step.next == nil && index + 1 < steps.count ? index + 1 : nil
            func add(_ target: Target, _ label: String, _ path: String, fallsThrough: Bool = false) {
                let to = fallsThrough ? below ?? Self.resolve(target, in: indexByID) : Self.resolve(target, in: indexByID)
                edges.append(Edge(from: index, to: to, label: label, path: path, target: target))
            }
            switch step.action {
            case .waitFor(let waitFor):
                add(waitFor.onEvent ?? following, "event", waitFor.onEvent == nil ? nextPath : "\(path).on_event", fallsThrough: waitFor.onEvent == nil)
                add(waitFor.onTimeout ?? following, "timeout", waitFor.onTimeout == nil ? nextPath : "\(path).on_timeout", fallsThrough: waitFor.onTimeout == nil)
            case .branch(let branch):
                for (caseIndex, branchCase) in branch.cases.enumerated() {
                    add(branchCase.target, branchCase.condition.source, "\(path).branch[\(caseIndex)].goto")
                }
                add(branch.otherwise, "else", "\(path).branch[\(branch.cases.count)].else")
            case .split(let split):
                for (variantIndex, variant) in split.variants.enumerated() {
                    add(variant.target, variant.name, "\(path).split.variants[\(variantIndex)].goto")
                }
            case .goto(let target):
                add(target, "goto", "\(path).goto")
            case .exit:
                break
            default:
                add(following, "next", nextPath, fallsThrough: true)
            }
        }
        self.edges = edges
    }

    static func resolve(_ target: Target, in indexByID: [String: Int]) -> Int? {
        guard case .step(let id) = target else { return nil }
        return indexByID[id]
    }

    public func index(of id: String) -> Int? { indexByID[id] }

    /// Indices of the steps a run can reach from the first step.
    public func reachable() -> Set<Int> {
        guard !steps.isEmpty else { return [] }
        var seen: Set<Int> = [0]
        var stack = [0]
        let outgoing = Dictionary(grouping: edges, by: \.from)
        while let current = stack.popLast() {
            for edge in outgoing[current] ?? [] {
                if let to = edge.to, seen.insert(to).inserted { stack.append(to) }
            }
        }
        return seen
    }
}
