import Foundation
import JourneyEngine
import JourneyRuntime

/// Parallel simulation: customers split by a stable hash of their id, one engine per
/// partition, run a stretch of virtual time at a time and merged back into the order
/// one engine would have produced (``SimulationOrderKey``).
extension Simulation {

    /// The partition a customer belongs to.
    static func partition(of customerID: String, among count: Int) -> Int {
        Int(StableHash.customerHash(customerID) % UInt64(count))
    }

    /// Stretches a partition may finish ahead of the merge (and so of the slowest partition).
    static let stretchesAhead = 8

    func runPartitioned<Sink: SimulationSink>(
        events: [LoggedEvent], profiles: [ProfileChange], start: Date, until: Date, sink: Sink,
        progress: (@Sendable (SimulationProgress) -> Void)?
    ) async throws -> (stats: SimulationStats, sink: Sink) {
        // The recorder of `waymark simulate` has its partitions tally and format their own lines.
        if let recorder = sink as? SimulationRecorder {
            var merger = LineMerger(file: recorder.actions)
            let (stats, shares) = try await runPartitioned(
                events: events, profiles: profiles, start: start, until: until, recording: SimulationRecorder.Share.self, into: &merger,
                progress: progress)
            var merged = recorder
            for share in shares { merged.absorb(share) }
            return (stats, merged as! Sink)
        }
        var merger = BatchMerger(sink: sink, inputsPerBatch: options.flushEvery)
        let (stats, _) = try await runPartitioned(
            events: events, profiles: profiles, start: start, until: until, recording: BatchRecorder.self, into: &merger, progress: progress)
        try merger.endStretch()
        return (stats, merger.sink)
    }

    /// Runs one engine per partition, each in a task of its own, stretch after stretch of the
    /// log; each partition's `Recorder` turns what it commits into outputs, and this task
    /// merges each stretch into `merger` while the partitions go on with the next ones (up to
    /// ``stretchesAhead``). A partition's task also picks its customers' inputs out of the log
    /// and lets its engine go at the end, so that neither is done for all partitions on one
    /// core. Returns the counts and each partition's recorder as it ended.
    private func runPartitioned<Recorder: PartitionRecorder, Merger: MergedOutput>(
        events: [LoggedEvent], profiles: [ProfileChange], start: Date, until: Date, recording: Recorder.Type, into merger: inout Merger,
        progress: (@Sendable (SimulationProgress) -> Void)?
    ) async throws -> (stats: SimulationStats, recorders: [Recorder]) where Merger.Output == Recorder.Output {
        let count = options.partitions
        var stages: [Stage] = [.begin]
        var stretchEnd = options.eventsPerStretch
        while stretchEnd < events.count {
            stages.append(.advance(through: events[stretchEnd - 1].time))
            stretchEnd += options.eventsPerStretch
        }
        stages += [.advance(through: nil), .finish]

        let queues = (0..<count).map { _ in StretchQueue<PartitionStretch<Recorder.Output>>(capacity: Self.stretchesAhead) }
        let finished = try await withThrowingTaskGroup(of: (Int, SimulationStats, Recorder).self) { group in
            for index in 0..<count {
                let (queue, stages) = (queues[index], stages)
                group.addTask {
                    do {
                        let log = PartitionLog(events: events, profiles: profiles, partition: index, among: count)
                        var partition = try await makePartition(start: start, until: until, responses: nil)
                        partition.driver.notesOrder = true
                        partition.driver.eventPositions = log.eventPositions
                        partition.driver.profilePositions = log.profilePositions
                        var recorder = Recorder()
                        for stage in stages {
                            partition.driver = try await Self.run(stage, on: partition.shard, partition.driver, log)
                            for committed in partition.driver.takeCommitted() { recorder.add(committed) }
                            var stretch = recorder.takeStretch()
                            stretch.eventsProcessed = partition.driver.eventsProcessed
                            try await queue.send(stretch)
                        }
                        queue.finish()
                        return (index, await partition.stats(start: start, until: until), recorder)
                    } catch {
                        queue.finish(throwing: error)
                        throw error
                    }
                }
            }
            do {
                for stage in stages {
                    var stretches: [PartitionStretch<Recorder.Output>] = []
                    for queue in queues {
                        guard let stretch = try await queue.next() else { throw SimulationError("a partition of the simulation ended early") }
                        stretches.append(stretch)
                    }
                    try PartitionMerge.interleave(stretches.map(\.keys)) { index, inputs in
                        try merger.take(inputs, of: stretches[index])
                    }
                    try merger.endStretch()
                    if let progress, case .advance(let limit) = stage, let time = limit ?? events.last?.time {
                        progress(SimulationProgress(eventsDone: stretches.reduce(0) { $0 + $1.eventsProcessed }, virtualTime: time))
                    }
                }
            } catch {
                for queue in queues { queue.abandon() }
                throw error
            }
            var finished = [(stats: SimulationStats, recorder: Recorder)?](repeating: nil, count: count)
            for try await (index, stats, recorder) in group { finished[index] = (stats, recorder) }
            return finished.map { $0! }
        }
        var stats = SimulationStats(start: start, until: until)
        for part in finished { stats.add(part.stats) }
        stats.profilesApplied = profiles.count
        return (stats, finished.map(\.recorder))
    }

    private enum Stage: Sendable {
        case begin
        case advance(through: Date?)
        case finish
    }

    /// One stage of one partition, on its shard's executor; ends with everything committed.
    private static func run(_ stage: Stage, on shard: isolated Shard, _ driver: Driver, _ log: PartitionLog) async throws -> Driver {
        var driver = driver
        var nothing = DiscardingSink()
        switch stage {
        case .begin:
            try await driver.begin(on: shard, profiles: log.profiles, sink: &nothing)
            try await driver.flush(on: shard, sink: &nothing)
        case .advance(let limit):
            try await driver.advance(on: shard, events: log.events, through: limit, sink: &nothing)
            try await driver.flush(on: shard, sink: &nothing)
        case .finish:
            try await driver.finish(on: shard, events: log.events, sink: &nothing)
        }
        return driver
    }
}

/// The part of the log one partition simulates, with each item's position in the whole log.
private struct PartitionLog: Sendable {
    var events: [LoggedEvent] = []
    var eventPositions: [Int] = []
    var profiles: [ProfileChange] = []
    var profilePositions: [Int] = []

    /// The events and profiles of the customers of partition `index` among `count`.
    init(events all: [LoggedEvent], profiles allProfiles: [ProfileChange], partition index: Int, among count: Int) {
        for (position, event) in all.enumerated() where Simulation.partition(of: event.customerID, among: count) == index {
            events.append(event)
            eventPositions.append(position)
        }
        for (position, profile) in allProfiles.enumerated() where Simulation.partition(of: profile.customerID, among: count) == index {
            profiles.append(profile)
            profilePositions.append(position)
        }
    }
}

/// A sink for a partition's driver, which keeps its batches itself (``Driver/takeCommitted()``).
private struct DiscardingSink: SimulationSink {
    mutating func record(_ batch: CommittedBatch) throws {}
}
