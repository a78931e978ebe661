import JourneyEngine
import JourneyRuntime

/// What one partition of a parallel simulation hands the merge for one stretch of the
/// log: its inputs' order keys, in its own order, and their outputs, which the merge
/// takes input by input (``MergedOutput/take(_:of:)``).
struct PartitionStretch<Output: Sendable>: Sendable {
    var keys: [SimulationOrderKey] = []
    var output: Output
    /// Events the partition had processed when the stretch ended (for progress).
    var eventsProcessed = 0
}

/// The part of a sink's work that each partition of a parallel run does for itself, on
/// its own core, so that the merge (one task for all partitions) only puts outputs in order.
protocol PartitionRecorder: Sendable {
    associatedtype Output: Sendable
    init()
    /// Adds what the partition committed: a batch, with the inputs that produced it.
    mutating func add(_ committed: KeyedBatch)
    /// The stretch added since the last call.
    mutating func takeStretch() -> PartitionStretch<Output>
}

/// Where the merge sends the inputs' outputs, in the order one shard would have made them.
protocol MergedOutput {
    associatedtype Output: Sendable
    /// Takes the outputs of `inputs` (positions in the stretch) of one partition's stretch.
    mutating func take(_ inputs: Range<Int>, of stretch: PartitionStretch<Output>) throws
    /// Called once a stretch of every partition has been merged.
    mutating func endStretch() throws
}

/// Keeps the committed batches of a stretch, for sinks that take ``CommittedBatch``es
/// (tests, the benchmark's counter): the merge hands them slices in the merged order.
struct BatchRecorder: PartitionRecorder {
    struct Output: Sendable {
        var actions: [ActionRecord] = []
        var traces: [StepTrace] = []
        var outbox: [OutboundMessage] = []
        /// Where each input's outputs end in the arrays above.
        var ends: [CommittedBatch.Counts] = []

        func start(of input: Int) -> CommittedBatch.Counts {
            input == 0 ? CommittedBatch.Counts(actions: 0, traces: 0, outbox: 0) : ends[input - 1]
        }
    }

    private var stretch = PartitionStretch(output: Output())

    mutating func add(_ committed: KeyedBatch) {
        let base = stretch.output.start(of: stretch.output.ends.count)
        stretch.output.actions += committed.batch.actions
        stretch.output.traces += committed.batch.traces
        stretch.output.outbox += committed.batch.outbox
        for mark in committed.marks {
            stretch.keys.append(mark.key)
            stretch.output.ends.append(CommittedBatch.Counts(
                actions: base.actions + mark.ends.actions, traces: base.traces + mark.ends.traces, outbox: base.outbox + mark.ends.outbox))
        }
    }

    mutating func takeStretch() -> PartitionStretch<Output> {
        defer { stretch = PartitionStretch(output: Output()) }
        return stretch
    }
}

/// Hands a sink the merged inputs' outputs as batches of about `inputsPerBatch` inputs.
struct BatchMerger<Sink: SimulationSink>: MergedOutput {
    var sink: Sink
    let inputsPerBatch: Int
    private var out = CommittedBatch(shard: 0)

    init(sink: Sink, inputsPerBatch: Int) {
        self.sink = sink
        self.inputsPerBatch = inputsPerBatch
    }

    mutating func take(_ inputs: Range<Int>, of stretch: PartitionStretch<BatchRecorder.Output>) throws {
        let output = stretch.output
        let start = output.start(of: inputs.lowerBound)
        let end = output.ends[inputs.upperBound - 1]
        out.actions += output.actions[start.actions..<end.actions]
        out.traces += output.traces[start.traces..<end.traces]
        out.outbox += output.outbox[start.outbox..<end.outbox]
        out.inputs += inputs.count
        if out.inputs >= inputsPerBatch { try endStretch() }
    }

    mutating func endStretch() throws {
        guard out.inputs > 0 else { return }
        try sink.record(out)
        out = CommittedBatch(shard: 0)
    }
}
