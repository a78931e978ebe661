import Foundation
import JourneyRuntime

/// What a shard has processed but not yet committed.
struct PendingCommit {
    var snapshots: [String: CustomerState] = [:]
    /// Net timer changes: a timer set and cancelled in the same batch is simply deleted.
    var timerChanges: [TimerKey: TimerRequest?] = [:]
    var outbox: [OutboundMessage] = []
    var actions: [ActionRecord] = []
    var traces: [StepTrace] = []
    var appliedSequence: Int64?
    var inputs = 0

    init() {}

    /// Empty, with room for as many outputs as `previous` had: the next batch of a steady load
    /// is about the same size, and growing the arrays append by append copied every action
    /// and trace several times (about 1% of a simulation).
    init(sizedLike previous: PendingCommit) {
        outbox.reserveCapacity(previous.outbox.count)
        actions.reserveCapacity(previous.actions.count)
        traces.reserveCapacity(previous.traces.count)
    }

    var commit: ShardCommit {
        ShardCommit(
            snapshots: snapshots.keys.sorted().map { snapshots[$0]! },
            timersSet: timerChanges.values.compactMap { $0 },
            timersDeleted: timerChanges.filter { $0.value == nil }.map(\.key),
            outbox: outbox,
            appliedInboxSequence: appliedSequence,
            actions: actions)
    }
}

extension JourneyCatalog {
    /// Rebuilds the catalog from stored versions: every version is kept for its runs; the newest
    /// version of a journey takes entries unless it was undeployed.
    public init(restoring versions: [StoredJourneyVersion]) {
        self.init()
        let sorted = versions.sorted { ($0.journeyID, $0.version) < ($1.journeyID, $1.version) }
        for stored in sorted {
            deploy(DeployedJourney(definition: stored.definition, version: stored.version))
        }
        for (journeyID, latest) in Dictionary(grouping: sorted, by: \.journeyID).mapValues({ $0.last! }) where !latest.active {
            undeploy(journeyID)
        }
    }
}
