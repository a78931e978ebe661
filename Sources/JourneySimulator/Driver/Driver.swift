import Foundation
import HeapModule
import JourneyEngine
import JourneyModel
import JourneyRuntime

/// The loop of one run: the state that moves as virtual time does.
///
/// It feeds one shard its inputs in the engine's order: at each instant the
/// events (input order), then the timers due (rounds: the timers set while a
/// round is handled and due at the same instant form the next one), then the
/// schedule ticks, then any timers those set. When it runs one partition of a
/// parallel simulation it also notes each input's ``SimulationOrderKey`` and
/// how many actions it produced, so the partitions' outputs can be merged into
/// exactly the order one shard would have produced.
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
    /// The position of each of this driver's events and profiles in the whole log (nil: the
    /// same as here).
    var eventPositions: [Int]?
    var profilePositions: [Int]?
    /// Whether each input's order key and output sizes are noted (a partition of a parallel run).
    var notesOrder = false
    /// What was committed and, when ``notesOrder``, by which inputs, since ``takeCommitted()``.
    private(set) var committed: [KeyedBatch] = []
    private var marks: [SimulationOrderKey.Mark] = []

    var followUps = Heap<Pending>()
    var followUpSequence = 0
    var known: Set<String> = []
    private var knownSorted: [String] = []
    private var unflushed = 0
    private var sequence: Int64 = 0
    /// The next event of the log to process.
    private var next = 0
    /// The instant of the timer rounds being counted, their number, and whether the ticks of
    /// that instant have been handled (timers set by ticks come after them).
    private var roundTime: Date?
    private var round = 0
    private var tickedAt: Date?
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
        try await begin(on: shard, profiles: profiles, sink: &sink)
        try await advance(on: shard, events: events, through: nil, sink: &sink)
        try await finish(on: shard, events: events, sink: &sink)
    }

    /// Applies the starting profiles, at the start time, in input order.
    mutating func begin(on shard: isolated Shard, profiles: [ProfileChange], sink: inout some SimulationSink) async throws {
        for (index, change) in profiles.enumerated() {
            known.insert(change.customerID)
            let key = SimulationOrderKey.profile(profilePositions?[index] ?? index, at: start)
            try await process(.inbox(entry(.profile(change), at: start)), key: key, on: shard, sink: &sink)
        }
    }

    /// Processes everything due at or before `limit` (nil: to the end), then stops before the
    /// first later instant; call again to go on.
    mutating func advance(on shard: isolated Shard, events: [LoggedEvent], through limit: Date?, sink: inout some SimulationSink) async throws {
        let stop = min(limit ?? until, until)
        while true {
            // Follow-ups are made from committed actions: commit before moving on in time.
            if hasResponses { try await flush(on: shard, sink: &sink) }
            var eventTime: Date?
            if next < events.count, events[next].time <= stop { eventTime = events[next].time }
            if let followUp = followUps.min, followUp.event.time <= stop, followUp.event.time < (eventTime ?? .distantFuture) {
                eventTime = followUp.event.time
            }
            var timerTime = shard.nextTimerDue()
            if let due = timerTime, due > stop { timerTime = nil }
            var tickTime: Date?
            for schedule in schedules {
                if let next = schedule.next, next <= stop, next < (tickTime ?? .distantFuture) { tickTime = next }
            }

            if let time = eventTime, time <= (timerTime ?? .distantFuture), time <= (tickTime ?? .distantFuture) {
                // Every event at this instant, in input order; generated follow-ups after the logged ones.
                while next < events.count, events[next].time == time {
                    try await processEvent(events[next], position: eventPositions?[next] ?? next, on: shard, sink: &sink)
                    next += 1
                }
                while let followUp = followUps.min, followUp.event.time == time {
                    _ = followUps.popMin()
                    try await processEvent(followUp.event, position: events.count + followUp.sequence, on: shard, sink: &sink)
                }
            } else if let time = timerTime, time <= (tickTime ?? .distantFuture) {
                if roundTime != time { (roundTime, round) = (time, 0) }
                round += 1
                let afterTicks = tickedAt == time
                for timer in shard.takeDueTimers(now: time) {
                    timersFired += 1
                    let key = SimulationOrderKey.timer(timer, at: time, round: round, afterTicks: afterTicks)
                    try await process(.timer(timer), key: key, on: shard, sink: &sink)
                }
            } else if let time = tickTime {
                try await tick(at: time, on: shard, sink: &sink)
            } else {
                break
            }
        }
    }

    /// Counts what was left after `until` and commits the rest.
    mutating func finish(on shard: isolated Shard, events: [LoggedEvent], sink: inout some SimulationSink) async throws {
        eventsAfterUntil = events.count - next + followUps.count
        try await flush(on: shard, sink: &sink)
    }

    /// The batches committed since the last call, with their inputs' order keys.
    mutating func takeCommitted() -> [KeyedBatch] {
        defer { committed = [] }
        return committed
    }

    private mutating func entry(_ payload: InboxInput.Payload, at time: Date) -> InboxEntry {
        sequence += 1
        return InboxEntry(sequence: sequence, input: InboxInput(payload: payload, acceptedAt: time))
    }

    private mutating func processEvent(_ event: LoggedEvent, position: Int, on shard: isolated Shard, sink: inout some SimulationSink) async throws {
        if known.insert(event.customerID).inserted { knownSorted.removeAll() }
        eventsProcessed += 1
        try await process(.inbox(entry(.event(event.customerEvent), at: event.time)), key: .event(position, at: event.time), on: shard, sink: &sink)
        if let progress, eventsProcessed % 16_384 == 0 {
            progress(SimulationProgress(eventsDone: eventsProcessed, virtualTime: event.time))
        }
    }

    private mutating func tick(at time: Date, on shard: isolated Shard, sink: inout some SimulationSink) async throws {
        if knownSorted.count != known.count { knownSorted = known.sorted() }
        // Timers the ticks set come after them, in rounds counted afresh.
        (tickedAt, round) = (time, 0)
        for index in schedules.indices where schedules[index].next == time {
            ticks += 1
            let journeyID = schedules[index].journeyID
            for customer in knownSorted {
                let key = SimulationOrderKey.tick(schedule: index, customer: customer, at: time)
                try await process(.system(customerID: customer, input: .scheduleTick(journeyID: journeyID), time: time), key: key, on: shard, sink: &sink)
            }
            schedules[index].next = schedules[index].cron.nextFire(after: time, in: schedules[index].zone)
        }
    }

    private mutating func process(_ work: ShardWork, key: @autoclosure () -> SimulationOrderKey, on shard: isolated Shard, sink: inout some SimulationSink) async throws {
        try await shard.process(work)
        if notesOrder { marks.append(SimulationOrderKey.Mark(key: key(), ends: shard.pendingOutputCounts)) }
        unflushed += 1
        if unflushed >= flushEvery { try await flush(on: shard, sink: &sink) }
    }

    /// Commits what was processed since the last commit.
    mutating func flush(on shard: isolated Shard, sink: inout some SimulationSink) async throws {
        guard unflushed > 0 else { return }
        unflushed = 0
        let batch = try await shard.flush()
        if notesOrder {
            committed.append(KeyedBatch(batch: batch, marks: marks))
            marks = []
        } else {
            try sink.record(batch)
        }
        guard hasResponses, !batch.actions.isEmpty else { return }
        for event in responses!.respond(to: batch.actions) {
            followUpSequence += 1
            followUps.insert(Pending(event: event, sequence: followUpSequence))
        }
    }
}
