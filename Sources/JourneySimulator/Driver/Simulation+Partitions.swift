import Foundation
import JourneyEngine
import JourneyRuntime

/// Parallel simulation: customers split by a stable hash of their id, one engine per
/// partition, run a stretch of virtual time at a time and merged back into the order
/// one engine would have produced (``SimulationOrderKey``).
extension Simulation {

    /// The partition a customer belongs to.
    static func partition(of customerID: String, among count: Int) -> Int {
        Int(StableHash.mix(StableHash.fnv1a64(customerID)) % UInt64(count))
    }

    func runPartitioned<Sink: SimulationSink>(
        events: [LoggedEvent], profiles: [ProfileChange], start: Date, until: Date, sink: Sink,
        progress: (@Sendable (SimulationProgress) -> Void)?
    ) async throws -> (stats: SimulationStats, sink: Sink) {
        let count = options.partitions
        var logs = [PartitionLog](repeating: PartitionLog(), count: count)
        for (position, event) in events.enumerated() {
            let index = Self.partition(of: event.customerID, among: count)
            logs[index].events.append(event)
            logs[index].eventPositions.append(position)
        }
        for (position, profile) in profiles.enumerated() {
            let index = Self.partition(of: profile.customerID, among: count)
            logs[index].profiles.append(profile)
            logs[index].profilePositions.append(position)
        }
        var partitions: [Partition] = []
        for log in logs {
            var partition = try await makePartition(start: start, until: until, responses: nil)
            partition.driver.notesOrder = true
            partition.driver.eventPositions = log.eventPositions
            partition.driver.profilePositions = log.profilePositions
            partitions.append(partition)
        }
        var stages: [Stage] = [.begin]
        var stretchEnd = options.eventsPerStretch
        while stretchEnd < events.count {
            stages.append(.advance(through: events[stretchEnd - 1].time))
            stretchEnd += options.eventsPerStretch
        }
        stages += [.advance(through: nil), .finish]

        // Each stretch is merged into the sink while the partitions simulate the next one.
        var sink = sink
        let merge = PartitionMerge(inputsPerBatch: options.flushEvery)
        var unmerged: [[KeyedBatch]] = []
        let split = logs
        for stage in stages {
            let running = partitions
            async let next = Self.run(stage, running, split)
            try merge.merge(unmerged, into: &sink)
            (partitions, unmerged) = try await next
            if let progress, case .advance(let limit) = stage, let time = limit ?? events.last?.time {
                progress(SimulationProgress(eventsDone: partitions.reduce(0) { $0 + $1.driver.eventsProcessed }, virtualTime: time))
            }
        }
        try merge.merge(unmerged, into: &sink)
        var stats = SimulationStats(start: start, until: until)
        for partition in partitions { await partition.addStats(to: &stats) }
        stats.profilesApplied = profiles.count
        return (stats, sink)
    }

    private enum Stage: Sendable {
        case begin
        case advance(through: Date?)
        case finish
    }

    /// Runs every partition through `stage` at once; returns them and what each committed.
    private static func run(_ stage: Stage, _ partitions: [Partition], _ logs: [PartitionLog]) async throws -> ([Partition], [[KeyedBatch]]) {
        var partitions = partitions
        try await withThrowingTaskGroup(of: (Int, Driver).self) { group in
            for (index, partition) in partitions.enumerated() {
                let log = logs[index]
                group.addTask { (index, try await Self.run(stage, on: partition.shard, partition.driver, log)) }
            }
            for try await (index, driver) in group { partitions[index].driver = driver }
        }
        var committed: [[KeyedBatch]] = []
        for index in partitions.indices { committed.append(partitions[index].driver.takeCommitted()) }
        return (partitions, committed)
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
}

/// A sink for a partition's driver, which keeps its batches itself (``Driver/takeCommitted()``).
private struct DiscardingSink: SimulationSink {
    mutating func record(_ batch: CommittedBatch) throws {}
}
