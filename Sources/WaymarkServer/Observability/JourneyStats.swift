import JourneyEngine
import JourneyModel
import JourneyRuntime

/// Live counts per journey, per step and per variant, built from what shards
/// commit (their traces and actions), so that `GET /v1/journeys/{id}/stats`
/// answers from memory without scanning any store.
///
/// Counts start when the node starts; they are a live view, not history.
public actor JourneyStats: ShardObserver {
    public struct StepCounts: Sendable, Hashable, Codable {
        public var reached = 0
        public var matched = 0
        public var timedOut = 0
        public var sends = 0
        public var suppressed = 0
    }

    public struct VariantCounts: Sendable, Hashable, Codable {
        public var runs = 0
        public var sends = 0
        public var goals = 0
    }

    public struct Counts: Sendable, Hashable, Codable {
        public var entered = 0
        public var exited: [String: Int] = [:]
        public var sends = 0
        public var suppressed = 0
        public var goals = 0
        public var steps: [String: StepCounts] = [:]
        public var variants: [String: VariantCounts] = [:]
    }

    private var journeys: [String: Counts] = [:]

    public init() {}

    public func shardCommitted(_ batch: CommittedBatch) async {
        for trace in batch.traces {
            switch trace.kind {
            case .reached: journeys[trace.journey, default: Counts()].steps[trace.step, default: StepCounts()].reached += 1
            case .matched: journeys[trace.journey, default: Counts()].steps[trace.step, default: StepCounts()].matched += 1
            case .timedOut: journeys[trace.journey, default: Counts()].steps[trace.step, default: StepCounts()].timedOut += 1
            case .edge:
                break
            case .assigned:
                // Once per run and variant, however often the run passes a split.
                if let variant = trace.variant {
                    journeys[trace.journey, default: Counts()].variants[variant, default: VariantCounts()].runs += 1
                }
            }
        }
        for action in batch.actions {
            record(action)
        }
    }

    private func record(_ action: ActionRecord) {
        var counts = journeys[action.journey] ?? Counts()
        switch action.action {
        case .enter: counts.entered += 1
        case .exit:
            counts.exited[action.reason ?? "completed", default: 0] += 1
        case .send, .webhook:
            counts.sends += 1
            if let step = action.step { counts.steps[step, default: StepCounts()].sends += 1 }
            if let variant = action.variant { counts.variants[variant, default: VariantCounts()].sends += 1 }
        case .suppressed:
            counts.suppressed += 1
            if let step = action.step { counts.steps[step, default: StepCounts()].suppressed += 1 }
        case .goal:
            counts.goals += 1
            if let variant = action.variant { counts.variants[variant, default: VariantCounts()].goals += 1 }
        case .update: break
        }
        journeys[action.journey] = counts
    }

    public func counts(of journeyID: String) -> Counts {
        journeys[journeyID] ?? Counts()
    }
}
