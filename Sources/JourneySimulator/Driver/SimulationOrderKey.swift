import Foundation
import JourneyEngine
import JourneyRuntime

/// Where one input falls in the order a single shard handles a simulation's inputs.
///
/// The order is fixed by the inputs alone, never by which partition handled
/// them: at each instant, the starting profiles (at the start), the events in
/// log order, then rounds of timers (each by due time, customer, token), then
/// the schedule ticks (by schedule, then customer), then the rounds of timers
/// they set. Customers never affect one another, so a partition that holds
/// some of the customers sees each of its inputs in the same round as one
/// shard holding all of them would: merging the partitions' outputs by this
/// key gives exactly the single shard's action log.
struct SimulationOrderKey: Comparable, Sendable {
    enum Phase: UInt8, Comparable {
        case profile, event, timer, tick, timerAfterTicks
        static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    var time: Date
    var phase: Phase
    /// The position of a profile or event in its log, a timer's round, a tick's schedule.
    var major: Int
    var due: Date
    var customer: String
    var token: UInt64

    static func profile(_ position: Int, at time: Date) -> SimulationOrderKey {
        SimulationOrderKey(time: time, phase: .profile, major: position, due: time, customer: "", token: 0)
    }

    static func event(_ position: Int, at time: Date) -> SimulationOrderKey {
        SimulationOrderKey(time: time, phase: .event, major: position, due: time, customer: "", token: 0)
    }

    static func timer(_ timer: TimerRequest, at time: Date, round: Int, afterTicks: Bool) -> SimulationOrderKey {
        SimulationOrderKey(
            time: time, phase: afterTicks ? .timerAfterTicks : .timer, major: round, due: timer.due, customer: timer.customerID, token: timer.token)
    }

    static func tick(schedule: Int, customer: String, at time: Date) -> SimulationOrderKey {
        SimulationOrderKey(time: time, phase: .tick, major: schedule, due: time, customer: customer, token: 0)
    }

    static func < (lhs: SimulationOrderKey, rhs: SimulationOrderKey) -> Bool {
        if lhs.time != rhs.time { return lhs.time < rhs.time }
        if lhs.phase != rhs.phase { return lhs.phase < rhs.phase }
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.due != rhs.due { return lhs.due < rhs.due }
        if lhs.customer != rhs.customer { return lhs.customer < rhs.customer }
        return lhs.token < rhs.token
    }

    /// An input's key and how far the open batch's outputs reached once it was handled.
    struct Mark: Sendable {
        var key: SimulationOrderKey
        var ends: CommittedBatch.Counts
    }
}

/// A committed batch of one partition, with the inputs that produced it in order.
struct KeyedBatch: Sendable {
    var batch: CommittedBatch
    var marks: [SimulationOrderKey.Mark]
}

/// Merges the partitions' batches of one stretch of virtual time into the order of a single
/// shard, and hands them to the sink in batches of about `inputsPerBatch` inputs.
struct PartitionMerge {
    let inputsPerBatch: Int

    /// A partition's place: its batch, the input in it, and where that input's outputs start.
    private struct Cursor {
        var batch = 0
        var mark = 0
        var start = CommittedBatch.Counts(actions: 0, traces: 0, outbox: 0)
    }

    func merge(_ partitions: [[KeyedBatch]], into sink: inout some SimulationSink) throws {
        guard !partitions.isEmpty else { return }
        var cursors = [Cursor](repeating: Cursor(), count: partitions.count)
        var out = CommittedBatch(shard: 0)
        func current(_ index: Int) -> SimulationOrderKey.Mark? {
            let cursor = cursors[index]
            guard cursor.batch < partitions[index].count else { return nil }
            return partitions[index][cursor.batch].marks[cursor.mark]
        }
        // Skip batches that hold no input (a flush with nothing pending is not recorded, but be safe).
        for index in partitions.indices { skipEmpty(&cursors[index].batch, in: partitions[index]) }
        while true {
            var chosen: Int?
            for index in partitions.indices {
                guard let mark = current(index) else { continue }
                if let best = chosen, let bestMark = current(best), !(mark.key < bestMark.key) { continue }
                chosen = index
            }
            guard let index = chosen, let mark = current(index) else { break }
            let cursor = cursors[index]
            let batch = partitions[index][cursor.batch].batch
            out.actions += batch.actions[cursor.start.actions..<mark.ends.actions]
            out.traces += batch.traces[cursor.start.traces..<mark.ends.traces]
            out.outbox += batch.outbox[cursor.start.outbox..<mark.ends.outbox]
            out.inputs += 1
            cursors[index].mark += 1
            cursors[index].start = mark.ends
            if cursors[index].mark == partitions[index][cursor.batch].marks.count {
                cursors[index] = Cursor(batch: cursor.batch + 1)
                skipEmpty(&cursors[index].batch, in: partitions[index])
            }
            if out.inputs >= inputsPerBatch {
                try sink.record(out)
                out = CommittedBatch(shard: 0)
            }
        }
        if out.inputs > 0 { try sink.record(out) }
    }

    private func skipEmpty(_ batch: inout Int, in batches: [KeyedBatch]) {
        while batch < batches.count, batches[batch].marks.isEmpty { batch += 1 }
    }
}
