import Foundation
import JourneyEngine
import JourneyRuntime

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
