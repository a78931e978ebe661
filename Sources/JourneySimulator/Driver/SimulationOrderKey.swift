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

/// Interleaves the inputs of the partitions' stretches in the order one shard would have
/// handled them (``SimulationOrderKey``).
enum PartitionMerge {
    /// Calls `take(partition, inputs)` for each run of consecutive inputs of one partition that
    /// come next in key order; `keys[p]` are partition `p`'s keys in its own order (ascending).
    /// Keys never tie across partitions: each holds its own customers, and profiles and
    /// events carry their positions in the log.
    static func interleave(_ keys: [[SimulationOrderKey]], _ take: (Int, Range<Int>) throws -> Void) rethrows {
        var positions = [Int](repeating: 0, count: keys.count)
        while true {
            var chosen: Int?
            // The least key among the other partitions' next inputs bounds the chosen run.
            var bound: SimulationOrderKey?
            for index in keys.indices where positions[index] < keys[index].count {
                let key = keys[index][positions[index]]
                if let best = chosen {
                    if key < keys[best][positions[best]] {
                        bound = keys[best][positions[best]]
                        chosen = index
                    } else if bound.map({ key < $0 }) ?? true {
                        bound = key
                    }
                } else {
                    chosen = index
                }
            }
            guard let index = chosen else { return }
            let start = positions[index]
            var end = start + 1
            let own = keys[index]
            if let bound {
                while end < own.count, own[end] < bound { end += 1 }
            } else {
                end = own.count
            }
            positions[index] = end
            try take(index, start..<end)
        }
    }
}
