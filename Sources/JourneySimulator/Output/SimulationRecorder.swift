import Foundation
import JourneyEngine
import JourneyRuntime

/// The sink of `waymark simulate`: streams actions to `actions.jsonl` and counts
/// everything the summary and the report need.
struct SimulationRecorder: SimulationSink {
    let actions: BufferedFile
    var tally = SimulationTally()

    mutating func record(_ batch: CommittedBatch) throws {
        tally.add(batch)
        let records = batch.actions
        guard !records.isEmpty else { return }
        try actions.write { buffer in
            for action in records { ActionLines.append(action, to: &buffer) }
        }
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
