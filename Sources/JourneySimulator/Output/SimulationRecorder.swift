import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime

/// The sink of `waymark simulate`: streams actions to `actions.jsonl` and counts
/// everything the summary and the report need.
struct SimulationRecorder: SimulationSink {
    let actions: BufferedFile
    var tally = SimulationTally()
    private var lines = ActionLineWriter()

    init(actions: BufferedFile) {
        self.actions = actions
    }

    mutating func record(_ batch: CommittedBatch) throws {
        tally.add(batch)
        let records = batch.actions
        guard !records.isEmpty else { return }
        try actions.write { buffer in lines.append(records[...], to: &buffer) }
    }

    /// Adds the counts a partition of a parallel run made (``Share``); its lines are in the file already.
    mutating func absorb(_ share: Share) {
        tally.merge(share.tally)
    }
}

/// A sink that keeps every action and outbox message in memory (journey tests, unit tests).
public struct CollectingSink: SimulationSink {
    public private(set) var actions: [ActionRecord] = []
    public private(set) var outbox: [OutboundMessage] = []
    public private(set) var tally = SimulationTally()

    public init() {}

    public mutating func record(_ batch: CommittedBatch) throws {
        actions += batch.actions
        outbox += batch.outbox
        tally.add(batch)
    }
}
