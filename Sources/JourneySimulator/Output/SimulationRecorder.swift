import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime

/// The sink of `waymark simulate`: streams actions to `actions.jsonl` and counts
/// everything the summary and the report need.
struct SimulationRecorder: SimulationSink {
    let actions: BufferedFile
    var tally = SimulationTally()
    /// The last action time written, and its text: actions come in bursts at one instant.
    private var lastTime: (time: Date, text: String)?

    init(actions: BufferedFile) {
        self.actions = actions
    }

    mutating func record(_ batch: CommittedBatch) throws {
        tally.add(batch)
        let records = batch.actions
        guard !records.isEmpty else { return }
        var last = lastTime
        try actions.write { buffer in
            for action in records {
                if last?.time != action.time { last = (action.time, Timestamp.format(action.time)) }
                ActionLines.append(action, time: last!.text, to: &buffer)
            }
        }
        lastTime = last
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
