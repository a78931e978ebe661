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
    /// Whether segment rechecks that cannot let anyone in are skipped (the default; the
    /// actions are the same either way, only fewer timers fire).
    public var predictsSegmentRechecks: Bool

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
public struct Simulation {
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
        guard let start = options.start ?? events.first?.time ?? options.until else {
            throw SimulationError("nothing to simulate: no events, and no start or --until time")
        }
        let until = options.until ?? events.last?.time ?? start
        var stats = SimulationStats(start: start, until: until)

        let clock = VirtualClock(start: start)
        // Nothing reads a customer's action history or the outbox in a simulation (sends reach
        // the sink with each committed batch), so the store keeps neither. Actors are never
        // passivated and every timer stays in memory, so snapshots and timers are not kept either.
        let store = InMemoryShardStore(actionHistoryLimit: 0, keepsOutbox: false, keepsCustomerState: false)
        let engine = JourneyEngine(
            configuration: EngineConfiguration(
                shardCount: 1, passivation: PassivationPolicy(idleTimeout: .infinity, maximumResident: .max, timerWindow: nil, compactAfter: .infinity),
                channels: .everyChannel, predictsSegmentRechecks: options.predictsSegmentRechecks),
            stores: [store], clock: clock, observer: nil,
            logger: Logger(label: "waymark.simulate", factory: { _ in SwiftLogNoOpLogHandler() }))
        let outcomes = try await engine.deploy(journeys)
        for outcome in outcomes { stats.versions[outcome.journeyID] = outcome.version }
        let catalog = await engine.deployedCatalog
        let shard = engine.shards[0]

        var driver = Driver(flushEvery: options.flushEvery, responses: responses, start: start, until: until)
        driver.schedules = catalog.activeJourneys.compactMap { journey in
            guard case .schedule(let cron, _) = journey.definition.entry.trigger else { return nil }
            return Driver.Schedule(journeyID: journey.id, cron: cron, zone: journey.timeZone, next: cron.nextFire(after: start.addingTimeInterval(-1), in: journey.timeZone))
        }
        driver.progress = progress
        let (finished, sink) = try await Self.drive(on: shard, driver, events: events, profiles: profiles, sink: sink)
        driver = finished

        stats.eventsProcessed = driver.eventsProcessed
        stats.eventsAfterUntil = driver.eventsAfterUntil
        stats.timersFired = driver.timersFired
        stats.scheduleTicks = driver.ticks
        stats.profilesApplied = profiles.count
        stats.customers = driver.known.count
        for timer in await shard.pendingTimers {
            stats.pendingTimers[timer.journeyID, default: 0] += 1
        }
        return (stats, sink)
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

/// The loop of one run: the state that moves as virtual time does.
struct Driver: Sendable {
    struct Schedule: Sendable {
        var journeyID: String
        var cron: CronSchedule
        var zone: TimeZone
        var next: Date?
    }

    /// A generated follow-up event, ordered by time then by when it was made.
    struct Pending: Comparable, Sendable {
        var event: LoggedEvent
        var sequence: Int
        static func < (lhs: Pending, rhs: Pending) -> Bool { (lhs.event.time, lhs.sequence) < (rhs.event.time, rhs.sequence) }
        static func == (lhs: Pending, rhs: Pending) -> Bool { lhs.sequence == rhs.sequence }
    }

    let flushEvery: Int
    var responses: (any ResponseModel)?
    /// Whether follow-ups are generated (checked on every step, without touching the existential).
    let hasResponses: Bool
    let start: Date
    let until: Date
    var schedules: [Schedule] = []
    var progress: (@Sendable (SimulationProgress) -> Void)?

    var followUps = Heap<Pending>()
    var followUpSequence = 0
    var known: Set<String> = []
    private var knownSorted: [String] = []
    private var unflushed = 0
    private var sequence: Int64 = 0
    var eventsProcessed = 0
    var eventsAfterUntil = 0
    var timersFired = 0
    var ticks = 0

    init(flushEvery: Int, responses: (any ResponseModel)?, start: Date, until: Date) {
        self.flushEvery = max(1, flushEvery)
        self.responses = responses
        self.hasResponses = responses != nil
        self.start = start
        self.until = until
    }

    /// Runs on the shard's executor (`isolated`), so that feeding it one input at a time costs no hop.
    mutating func run(on shard: isolated Shard, events: [LoggedEvent], profiles: [ProfileChange], sink: inout some SimulationSink) async throws {
        for change in profiles {
            known.insert(change.customerID)
            try await process(.inbox(entry(.profile(change), at: start)), on: shard, sink: &sink)
        }
        var next = 0
        while true {
            // Follow-ups are made from committed actions: commit before moving on in time.
            if hasResponses { try await flush(on: shard, sink: &sink) }
            var eventTime: Date?
            if next < events.count, events[next].time <= until { eventTime = events[next].time }
            if let followUp = followUps.min, followUp.event.time <= until, followUp.event.time < (eventTime ?? .distantFuture) {
                eventTime = followUp.event.time
            }
            var timerTime = shard.nextTimerDue()
            if let due = timerTime, due > until { timerTime = nil }
            var tickTime: Date?
            for schedule in schedules {
                if let next = schedule.next, next <= until, next < (tickTime ?? .distantFuture) { tickTime = next }
            }

            if let time = eventTime, time <= (timerTime ?? .distantFuture), time <= (tickTime ?? .distantFuture) {
                // Every event at this instant, in input order; generated follow-ups after the logged ones.
                while next < events.count, events[next].time == time {
                    try await processEvent(events[next], on: shard, sink: &sink)
                    next += 1
                }
                while let followUp = followUps.min, followUp.event.time == time {
                    _ = followUps.popMin()
                    try await processEvent(followUp.event, on: shard, sink: &sink)
                }
            } else if let time = timerTime, time <= (tickTime ?? .distantFuture) {
                for timer in shard.takeDueTimers(now: time) {
                    timersFired += 1
                    try await process(.timer(timer), on: shard, sink: &sink)
                }
            } else if let time = tickTime {
                try await tick(at: time, on: shard, sink: &sink)
            } else {
                break
            }
        }
        eventsAfterUntil = events.count - next + followUps.count
        try await flush(on: shard, sink: &sink)
    }

    private mutating func entry(_ payload: InboxInput.Payload, at time: Date) -> InboxEntry {
        sequence += 1
        return InboxEntry(sequence: sequence, input: InboxInput(payload: payload, acceptedAt: time))
    }

    private mutating func processEvent(_ event: LoggedEvent, on shard: isolated Shard, sink: inout some SimulationSink) async throws {
        if known.insert(event.customerID).inserted { knownSorted.removeAll() }
        eventsProcessed += 1
        try await process(.inbox(entry(.event(event.customerEvent), at: event.time)), on: shard, sink: &sink)
        if let progress, eventsProcessed % 16_384 == 0 {
            progress(SimulationProgress(eventsDone: eventsProcessed, virtualTime: event.time))
        }
    }

    private mutating func tick(at time: Date, on shard: isolated Shard, sink: inout some SimulationSink) async throws {
        if knownSorted.count != known.count { knownSorted = known.sorted() }
        for index in schedules.indices where schedules[index].next == time {
            ticks += 1
            let journeyID = schedules[index].journeyID
            for customer in knownSorted {
                try await process(.system(customerID: customer, input: .scheduleTick(journeyID: journeyID), time: time), on: shard, sink: &sink)
            }
            schedules[index].next = schedules[index].cron.nextFire(after: time, in: schedules[index].zone)
        }
    }

    private mutating func process(_ work: ShardWork, on shard: isolated Shard, sink: inout some SimulationSink) async throws {
        try await shard.process(work)
        unflushed += 1
        if unflushed >= flushEvery { try await flush(on: shard, sink: &sink) }
    }

    private mutating func flush(on shard: isolated Shard, sink: inout some SimulationSink) async throws {
        guard unflushed > 0 else { return }
        unflushed = 0
        let batch = try await shard.flush()
        try sink.record(batch)
        guard hasResponses, !batch.actions.isEmpty else { return }
        for event in responses!.respond(to: batch.actions) {
            followUpSequence += 1
            followUps.insert(Pending(event: event, sequence: followUpSequence))
        }
    }
}
