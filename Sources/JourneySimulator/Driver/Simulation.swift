import Foundation
import HeapModule
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging

/// What a simulation run needs besides the journeys and the events.
public struct SimulationOptions: Sendable {
    /// The virtual time to start at; default: the first event's time.
    public var start: Date?
    /// The virtual time to stop at: timers due at or before it fire, later events are not
    /// processed. Default: the last event's time.
    public var until: Date?
    /// Items processed between two commits of the shard (group commit, as a node does).
    public var flushEvery: Int
    /// Customers are split by a stable hash of their id into this many partitions, each
    /// simulated on its own engine, in parallel; their actions are merged into exactly the
    /// order one engine would have produced. 1 (the default) runs one engine. A run with a
    /// response model (follow-ups made from the actions) always runs one.
    public var partitions = 1
    /// Events of the log the partitions simulate before their actions are merged: what one
    /// stretch produces is held in memory until then. Short stretches cost nothing measurable
    /// (the merge of one overlaps the simulation of the next): with 2 partitions on the 1M-event
    /// benchmark log, 4,096 events per stretch peaked at 1.50 GB RSS against 2.14 GB with
    /// 65,536, and finished 10% sooner (less of the heap is cold when it is merged).
    var eventsPerStretch = 4_096
    /// Whether segment rechecks that cannot let anyone in are skipped (the default; the
    /// actions are the same either way, only fewer timers fire).
    public var predictsSegmentRechecks: Bool
    /// Whether committed batches carry the outbox messages of sends and webhooks (what a node
    /// would deliver). Journey tests read webhook calls from them; `waymark simulate` writes
    /// only actions and counts, so it turns them off and is spared building one per send.
    public var keepsDeliveries = true

    public init(start: Date? = nil, until: Date? = nil, flushEvery: Int = 4096, predictsSegmentRechecks: Bool = true) {
        self.start = start
        self.until = until
        self.flushEvery = flushEvery
        self.predictsSegmentRechecks = predictsSegmentRechecks
    }
}

/// Makes follow-up events from what the journeys did (a synthetic population's
/// responses to sends). Called after each commit with the actions committed;
/// returns events to feed back, each later than the actions that caused it.
public protocol ResponseModel: Sendable {
    mutating func respond(to actions: [ActionRecord]) -> [LoggedEvent]
}

/// Where a run's committed batches go, in processing order.
public protocol SimulationSink: Sendable {
    mutating func record(_ batch: CommittedBatch) throws
}

/// Counts of a finished run.
public struct SimulationStats: Sendable, Hashable {
    public var start: Date
    public var until: Date
    public var eventsProcessed = 0
    public var eventsAfterUntil = 0
    public var timersFired = 0
    public var scheduleTicks = 0
    public var profilesApplied = 0
    public var customers = 0
    /// Timers still pending at `until`, by the journey that set them.
    public var pendingTimers: [String: Int] = [:]
    /// The deployed version of each journey.
    public var versions: [String: Int] = [:]
}

/// Progress of a long run, for a terminal.
public struct SimulationProgress: Sendable {
    public var eventsDone: Int
    public var virtualTime: Date
}

/// Runs journeys over events on a virtual clock with the real engine: one
/// shard over an in-memory store, so actions come out in the order they
/// happened. Events and timers are interleaved by time; at equal times events
/// come first (in input order), then timers, then schedule ticks.
public struct Simulation: Sendable {
    public let journeys: [JourneyDefinition]
    public var options: SimulationOptions

    public init(journeys: [JourneyDefinition], options: SimulationOptions = SimulationOptions()) {
        self.journeys = journeys
        self.options = options
    }

    /// Runs the simulation. `events` must be sorted by time (``EventLog/sortedEvents()``).
    public func run<Sink: SimulationSink>(
        events: [LoggedEvent], profiles: [ProfileChange], responses: (any ResponseModel)? = nil,
        sink: Sink, progress: (@Sendable (SimulationProgress) -> Void)? = nil
    ) async throws -> (stats: SimulationStats, sink: Sink) {
        guard let first = options.start ?? events.first?.time ?? options.until else {
            throw SimulationError("nothing to simulate: no events, and no start or --until time")
        }
        let until = options.until ?? events.last?.time ?? first
        // An `until` before the first event: the run is the one instant `until`, at which
        // nothing happens but the starting profiles (never a span that ends before it starts).
        let start = min(first, until)
        if options.partitions > 1, responses == nil {
            return try await runPartitioned(events: events, profiles: profiles, start: start, until: until, sink: sink, progress: progress)
        }
        var partition = try await makePartition(start: start, until: until, responses: responses)
        partition.driver.progress = progress
        let (finished, sink) = try await Self.drive(on: partition.shard, partition.driver, events: events, profiles: profiles, sink: sink)
        partition.driver = finished
        var stats = await partition.stats(start: start, until: until)
        stats.profilesApplied = profiles.count
        return (stats, sink)
    }

    /// One engine with one shard over an in-memory store, the journeys deployed, and a driver
    /// for it: the whole simulation, or one partition of its customers.
    func makePartition(start: Date, until: Date, responses: (any ResponseModel)?) async throws -> Partition {
        let clock = VirtualClock(start: start)
        // Nothing reads a customer's action history or the outbox in a simulation (sends reach
        // the sink with each committed batch), so the store keeps neither. Actors are never
        // passivated and every timer stays in memory, so snapshots and timers are not kept either.
        let store = InMemoryShardStore(actionHistoryLimit: 0, keepsOutbox: false, keepsCustomerState: false)
        let engine = JourneyEngine(
            configuration: EngineConfiguration(
                shardCount: 1, passivation: PassivationPolicy(idleTimeout: .infinity, maximumResident: .max, timerWindow: nil, compactAfter: .infinity),
                channels: .everyChannel, predictsSegmentRechecks: options.predictsSegmentRechecks, emitsDeliveries: options.keepsDeliveries),
            stores: [store], clock: clock, observer: nil,
            logger: Logger(label: "waymark.simulate", factory: { _ in SwiftLogNoOpLogHandler() }))
        let outcomes = try await engine.deploy(journeys)
        let catalog = await engine.deployedCatalog
        var driver = Driver(flushEvery: options.flushEvery, responses: responses, start: start, until: until)
        driver.schedules = catalog.activeJourneys.compactMap { journey in
            guard case .schedule(let cron, _) = journey.definition.entry.trigger else { return nil }
            return Driver.Schedule(journeyID: journey.id, cron: cron, zone: journey.timeZone, next: cron.nextFire(after: start.addingTimeInterval(-1), in: journey.timeZone))
        }
        return Partition(engine: engine, shard: engine.shards[0], driver: driver, versions: Dictionary(outcomes.map { ($0.journeyID, $0.version) }, uniquingKeysWith: { $1 }))
    }
}

/// An engine of a simulation, its only shard and the driver feeding it.
struct Partition: Sendable {
    let engine: JourneyEngine
    let shard: Shard
    var driver: Driver
    let versions: [String: Int]

    /// This partition's counts.
    func stats(start: Date, until: Date) async -> SimulationStats {
        var stats = SimulationStats(start: start, until: until)
        stats.versions = versions
        stats.eventsProcessed = driver.eventsProcessed
        stats.eventsAfterUntil = driver.eventsAfterUntil
        stats.timersFired = driver.timersFired
        stats.scheduleTicks = driver.ticks
        stats.customers = driver.known.count
        for timer in await shard.pendingTimers {
            stats.pendingTimers[timer.journeyID, default: 0] += 1
        }
        return stats
    }
}

extension SimulationStats {
    /// Adds the counts of another partition of the same run (partitions hold disjoint
    /// customers; every one ticks the same schedules and deploys the same versions).
    mutating func add(_ part: SimulationStats) {
        versions = part.versions
        eventsProcessed += part.eventsProcessed
        eventsAfterUntil += part.eventsAfterUntil
        timersFired += part.timersFired
        scheduleTicks = part.scheduleTicks
        customers += part.customers
        profilesApplied += part.profilesApplied
        pendingTimers.merge(part.pendingTimers, uniquingKeysWith: +)
    }
}

extension Simulation {
    /// Runs the simulation into a sink the caller keeps (the sink is updated in place).
    public func run(
        events: [LoggedEvent], profiles: [ProfileChange], responses: (any ResponseModel)? = nil,
        sink: inout some SimulationSink, progress: (@Sendable (SimulationProgress) -> Void)? = nil
    ) async throws -> SimulationStats {
        let (stats, result) = try await run(events: events, profiles: profiles, responses: responses, sink: sink, progress: progress)
        sink = result
        return stats
    }

    /// Runs the driver on the shard's executor: the sink goes in and comes back out.
    private static func drive<Sink: SimulationSink>(
        on shard: isolated Shard, _ driver: Driver, events: [LoggedEvent], profiles: [ProfileChange], sink: Sink
    ) async throws -> (Driver, Sink) {
        var driver = driver
        var sink = sink
        try await driver.run(on: shard, events: events, profiles: profiles, sink: &sink)
        return (driver, sink)
    }
}

public struct SimulationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
