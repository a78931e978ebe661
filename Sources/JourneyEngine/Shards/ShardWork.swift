import Foundation
import JourneyRuntime

/// One unit of work for a shard: an accepted input, a due timer, or an
/// engine-initiated input such as a schedule tick.
public enum ShardWork: Sendable {
    case inbox(InboxEntry)
    case timer(TimerRequest)
    /// An input the engine makes itself (schedule ticks, segment checks, undeploys) at `time`.
    case system(customerID: String, input: CustomerInput, time: Date)

    public var customerID: String {
        switch self {
        case .inbox(let entry): entry.input.customerID
        case .timer(let timer): timer.customerID
        case .system(let customerID, _, _): customerID
        }
    }

    /// The instant the work belongs to: when it was accepted, or when the timer was due.
    public var time: Date {
        switch self {
        case .inbox(let entry): entry.input.acceptedAt
        case .timer(let timer): timer.due
        case .system(_, _, let time): time
        }
    }

    /// At equal times events come before timers (the language's rule), system inputs last.
    var rank: Int {
        switch self {
        case .inbox: 0
        case .timer: 1
        case .system: 2
        }
    }

    var input: CustomerInput {
        switch self {
        case .inbox(let entry): entry.input.customerInput
        case .timer(let timer): .timer(TimerFiring(token: timer.token))
        case .system(_, let input, _): input
        }
    }

    /// Orders a batch: by time, events before timers at equal times, otherwise as queued.
    static func ordered(_ work: [ShardWork]) -> [ShardWork] {
        work.enumerated().sorted { lhs, rhs in
            (lhs.element.time, lhs.element.rank, lhs.offset) < (rhs.element.time, rhs.element.rank, rhs.offset)
        }.map(\.element)
    }
}

/// What a shard committed in one flush, for observers (stats, metrics, the simulator's output).
public struct CommittedBatch: Sendable {
    public var shard: Int
    public var actions: [ActionRecord]
    public var traces: [StepTrace]
    public var outbox: [OutboundMessage]
    public var inputs: Int

    public init(shard: Int, actions: [ActionRecord] = [], traces: [StepTrace] = [], outbox: [OutboundMessage] = [], inputs: Int = 0) {
        self.shard = shard
        self.actions = actions
        self.traces = traces
        self.outbox = outbox
        self.inputs = inputs
    }

    /// How much of each output a batch holds, or held after one of its inputs.
    public struct Counts: Sendable, Hashable {
        public var actions: Int
        public var traces: Int
        public var outbox: Int

        public init(actions: Int, traces: Int, outbox: Int) {
            self.actions = actions
            self.traces = traces
            self.outbox = outbox
        }
    }
}

/// Receives what shards commit. Called from the shard after each commit, in commit order.
public protocol ShardObserver: Sendable {
    func shardCommitted(_ batch: CommittedBatch) async
}
