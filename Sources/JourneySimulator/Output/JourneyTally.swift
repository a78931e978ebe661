import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime

/// The counts of one journey version, gathered from actions and step traces as a run commits them.
public struct VersionTally: Sendable, Equatable {
    public struct EdgeKey: Hashable, Sendable {
        public var from: String
        /// `nil`: the end of the journey.
        public var to: String?
        public var label: String
    }

    public struct VariantTally: Sendable, Hashable {
        public var runs = 0
        public var sends = 0
        public var goals = 0
    }

    public var customersEntered: Set<String> = []
    public var runs = 0
    public var reached: [String: Int] = [:]
    public var matched: [String: Int] = [:]
    public var timedOut: [String: Int] = [:]
    public var edges: [EdgeKey: Int] = [:]
    public var exits: [String: Int] = [:]
    public var sends: [String: Int] = [:]
    public var sendsByStep: [String: Int] = [:]
    public var suppressions: [String: Int] = [:]
    public var webhooks = 0
    public var updates = 0
    public var goals = 0
    /// Sends and goals of runs in a variant (`holdout` included), by variant.
    public var variants: [String: VariantTally] = [:]
    /// Runs that joined each variant (`holdout` included), each counted once however many
    /// times it passed a split (``StepTrace/Kind/assigned``).
    public var variantJoins: [String: Int] = [:]

    public init() {}

    mutating func add(_ action: ActionRecord) {
        switch action.action {
        case .enter:
            runs += 1
            customersEntered.insert(action.customer)
        case .send:
            sends[action.channel ?? "?", default: 0] += 1
            if let step = action.step { sendsByStep[step, default: 0] += 1 }
            if let variant = action.variant { variants[variant, default: VariantTally()].sends += 1 }
        case .suppressed:
            suppressions[action.reason ?? "?", default: 0] += 1
        case .webhook:
            webhooks += 1
        case .update:
            updates += 1
        case .goal:
            goals += 1
            if let variant = action.variant { variants[variant, default: VariantTally()].goals += 1 }
        case .exit:
            exits[action.reason ?? "?", default: 0] += 1
        }
    }

    mutating func add(_ trace: StepTrace) {
        switch trace.kind {
        case .reached: reached[trace.step, default: 0] += 1
        case .matched: matched[trace.step, default: 0] += 1
        case .timedOut: timedOut[trace.step, default: 0] += 1
        case .edge(let to, let label): edges[EdgeKey(from: trace.step, to: to, label: label), default: 0] += 1
        case .assigned: if let variant = trace.variant { variantJoins[variant, default: 0] += 1 }
        }
    }

    /// Adds the counts of another part of the same run (a partition's customers).
    mutating func merge(_ other: VersionTally) {
        customersEntered.formUnion(other.customersEntered)
        runs += other.runs
        reached.merge(other.reached, uniquingKeysWith: +)
        matched.merge(other.matched, uniquingKeysWith: +)
        timedOut.merge(other.timedOut, uniquingKeysWith: +)
        edges.merge(other.edges, uniquingKeysWith: +)
        exits.merge(other.exits, uniquingKeysWith: +)
        sends.merge(other.sends, uniquingKeysWith: +)
        sendsByStep.merge(other.sendsByStep, uniquingKeysWith: +)
        suppressions.merge(other.suppressions, uniquingKeysWith: +)
        webhooks += other.webhooks
        updates += other.updates
        goals += other.goals
        variants.merge(other.variants) { VariantTally(runs: $0.runs + $1.runs, sends: $0.sends + $1.sends, goals: $0.goals + $1.goals) }
        variantJoins.merge(other.variantJoins, uniquingKeysWith: +)
    }

    /// Runs per variant: the runs that joined it at a split, each once (a run that loops
    /// back through a split took its edge again, which is not a second run). Every variant of
    /// every split has a row, and `holdout` one where a split holds some out.
    public func variantRuns(_ definition: JourneyDefinition) -> [String: Int] {
        var runs: [String: Int] = [:]
        for step in definition.steps {
            guard case .split(let split) = step.action else { continue }
            for variant in split.variants { runs[variant.name] = variantJoins[variant.name] ?? 0 }
            if split.holdoutPercent > 0 { runs[Split.holdoutName] = variantJoins[Split.holdoutName] ?? 0 }
        }
        return runs
    }
}

/// Everything counted in a run, per journey and version, plus the run's totals.
public struct SimulationTally: Sendable, Equatable {
    public var versions: [String: [Int: VersionTally]] = [:]
    public var actions = 0

    public init() {}

    /// Counts a committed batch. A run's actions and traces come in stretches of one journey
    /// version, so the version's tally is taken out of ``versions`` once per stretch rather than
    /// looked up by journey and version for every record (two string-keyed lookups each, which
    /// were a third of the tally's cost).
    public mutating func add(_ batch: CommittedBatch) {
        actions += batch.actions.count
        var open = OpenTally()
        for action in batch.actions {
            open.switchTo(action.journey, action.version, in: &versions)
            open.tally.add(action)
        }
        for trace in batch.traces {
            open.switchTo(trace.journey, trace.version, in: &versions)
            open.tally.add(trace)
        }
        open.close(in: &versions)
    }

    /// The tally of one journey version, taken out of ``versions`` while records of it arrive.
    private struct OpenTally {
        var journey: String?
        var version = 0
        var tally = VersionTally()

        mutating func switchTo(_ journey: String, _ version: Int, in versions: inout [String: [Int: VersionTally]]) {
            guard self.version != version || self.journey != journey else { return }
            close(in: &versions)
            self.journey = journey
            self.version = version
            tally = versions[journey]?.removeValue(forKey: version) ?? VersionTally()
        }

        mutating func close(in versions: inout [String: [Int: VersionTally]]) {
            guard let journey else { return }
            // Moved, not copied: the open tally must be the only reference to its dictionaries.
            var done = VersionTally()
            swap(&done, &tally)
            versions[journey, default: [:]][version] = done
            self.journey = nil
        }
    }

    /// Adds the counts of another part of the same run (a partition's customers).
    public mutating func merge(_ other: SimulationTally) {
        actions += other.actions
        for (journey, byVersion) in other.versions {
            for (version, tally) in byVersion {
                versions[journey, default: [:]][version, default: VersionTally()].merge(tally)
            }
        }
    }
}
