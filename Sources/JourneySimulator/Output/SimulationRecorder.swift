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

extension SimulationRecorder {
    /// A partition's share of the recorder's work in a parallel run: it counts its own actions
    /// and formats their lines, so that the merge only copies bytes into the file in order.
    struct Share: PartitionRecorder {
        struct Output: Sendable {
            var bytes: [UInt8] = []
            /// Where each input's lines end in `bytes`.
            var ends: [Int] = []
        }

        private(set) var tally = SimulationTally()
        private var lines = ActionLineWriter()
        private var stretch = PartitionStretch(output: Output())

        init() {}

        mutating func add(_ committed: KeyedBatch) {
            tally.add(committed.batch)
            let actions = committed.batch.actions
            var start = 0
            for mark in committed.marks {
                lines.append(actions[start..<mark.ends.actions], to: &stretch.output.bytes)
                stretch.output.ends.append(stretch.output.bytes.count)
                stretch.keys.append(mark.key)
                start = mark.ends.actions
            }
        }

        mutating func takeStretch() -> PartitionStretch<Output> {
            var next = PartitionStretch(output: Output())
            next.output.bytes.reserveCapacity(stretch.output.bytes.capacity)
            defer { stretch = next }
            return stretch
        }
    }
}

/// Writes the partitions' formatted lines to `actions.jsonl` in the merged order.
struct LineMerger: MergedOutput {
    let file: BufferedFile

    func take(_ inputs: Range<Int>, of stretch: PartitionStretch<SimulationRecorder.Share.Output>) throws {
        let ends = stretch.output.ends
        let start = inputs.lowerBound == 0 ? 0 : ends[inputs.lowerBound - 1]
        let end = ends[inputs.upperBound - 1]
        guard end > start else { return }
        try file.write { $0.append(contentsOf: stretch.output.bytes[start..<end]) }
    }

    func endStretch() throws {}
}

/// Formats actions as `actions.jsonl` lines, each instant's text once for a run of actions at
/// it (actions come in bursts at one instant).
struct ActionLineWriter: Sendable {
    private var lastTime: (time: Date, text: String)?

    mutating func append(_ actions: ArraySlice<ActionRecord>, to buffer: inout [UInt8]) {
        var last = lastTime
        for action in actions {
            if last?.time != action.time { last = (action.time, Timestamp.format(action.time)) }
            ActionLines.append(action, time: last!.text, to: &buffer)
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
