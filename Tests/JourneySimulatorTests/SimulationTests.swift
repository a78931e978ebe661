import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
@testable import JourneySimulator
import JourneyYAML
import Testing

/// The driver: time order, `--until`, schedule ticks, and byte-identical outputs.
@Suite struct SimulationTests {
    static let t0 = Timestamp.parse("2024-03-01T00:00:00Z", defaultZone: ZonedCalendar.utc)!

    static func journey(_ yaml: String) throws -> JourneyDefinition {
        let parsed = JourneyFileParser.parse(text: yaml, file: "test.yaml")
        #expect(!parsed.hasErrors, "\(parsed.diagnostics)")
        return try #require(parsed.definition)
    }

    static func event(_ customer: String, _ name: String, at seconds: TimeInterval, _ properties: [String: JSONValue] = [:]) -> LoggedEvent {
        LoggedEvent(customerID: customer, name: name, time: t0.addingTimeInterval(seconds), properties: properties)
    }

    static let twoSends = """
        journey: two-sends
        entry: { event: start }
        steps:
          - id: first_wait
            wait: 1h
          - id: first
            send: { channel: push, message: hi }
          - id: second_wait
            wait: 1d
          - id: second
            send: { channel: push, message: again }
        """

    func run(_ journeys: [JourneyDefinition], _ events: [LoggedEvent], profiles: [ProfileChange] = [], options: SimulationOptions = SimulationOptions()) async throws -> (SimulationStats, CollectingSink) {
        try await Simulation(journeys: journeys, options: options).run(events: events, profiles: profiles, sink: CollectingSink())
    }

    @Test func untilStopsEventsFiresTimersDueByThenAndLeavesLaterOnesPending() async throws {
        let events = [Self.event("c1", "start", at: 0), Self.event("c2", "start", at: 3600), Self.event("c3", "start", at: 5 * 3600)]
        let (stats, sink) = try await run([Self.journey(Self.twoSends)], events, options: SimulationOptions(until: Self.t0.addingTimeInterval(2 * 3600)))
        let lines = sink.actions.map { "\(Int($0.time.timeIntervalSince(Self.t0)))s \($0.customer) \($0.action.rawValue)" }
        // c2's first send falls due exactly at --until: it fires.
        #expect(lines == ["0s c1 enter", "3600s c2 enter", "3600s c1 send", "7200s c2 send"])  // the event at 1h before the timer at 1h
        #expect(stats.eventsProcessed == 2)
        #expect(stats.eventsAfterUntil == 1)
        #expect(stats.pendingTimers == ["two-sends": 2])
        #expect(stats.until == Self.t0.addingTimeInterval(7200))
    }

    /// `--until` before the first event: nothing happens, and the run's span is not reversed
    /// (it starts and ends at `--until`).
    @Test func anUntilBeforeTheFirstEventProcessesNothing() async throws {
        let events = [Self.event("c1", "start", at: 3600), Self.event("c2", "start", at: 7200)]
        let (stats, sink) = try await run([Self.journey(Self.twoSends)], events, options: SimulationOptions(until: Self.t0))
        #expect(sink.actions.isEmpty)
        #expect(stats.eventsProcessed == 0)
        #expect(stats.eventsAfterUntil == 2)
        #expect(stats.start == Self.t0)
        #expect(stats.until == Self.t0)
    }

    @Test func theDefaultUntilIsTheLastEventsTime() async throws {
        let events = [Self.event("c1", "start", at: 0), Self.event("c2", "start", at: 5 * 3600)]
        let (stats, sink) = try await run([Self.journey(Self.twoSends)], events)
        #expect(stats.until == Self.t0.addingTimeInterval(5 * 3600))
        #expect(stats.eventsAfterUntil == 0)
        #expect(sink.actions.map(\.action) == [.enter, .send, .enter])
        #expect(stats.pendingTimers == ["two-sends": 2])
    }

    @Test func atEqualTimesEventsComeBeforeTimersAndKeepTheirInputOrder() async throws {
        let journey = try Self.journey("""
            journey: grace
            entry: { event: add_to_cart }
            exit: [{ event: purchase }]
            steps:
              - id: grace
                wait_for: { event: never, timeout: 1h }
              - id: remind
                send: { channel: push, message: hi }
            """)
        // c1 buys exactly when the reminder falls due; c2 does not. c3's two events at one instant keep their order.
        let events = [
            Self.event("c1", "add_to_cart", at: 0), Self.event("c2", "add_to_cart", at: 0),
            Self.event("c1", "purchase", at: 3600), Self.event("c3", "add_to_cart", at: 3600), Self.event("c3", "purchase", at: 3600),
        ]
        let (_, sink) = try await run([journey], events)
        let lines = sink.actions.map { "\(Int($0.time.timeIntervalSince(Self.t0))) \($0.customer) \($0.action.rawValue) \($0.reason ?? "")" }
        #expect(lines == [
            "0 c1 enter ", "0 c2 enter ",
            "3600 c1 exit exit_event", "3600 c3 enter ", "3600 c3 exit exit_event",
            "3600 c2 send ", "3600 c2 exit completed",
        ])
    }

    @Test func scheduleTicksReachEveryKnownCustomerDuringTheSpan() async throws {
        let journey = try Self.journey("""
            journey: daily
            entry:
              schedule: "0 10 * * *"
              audience: "profile.member == true"
            steps:
              - id: hello
                send: { channel: email, message: hi }
            """)
        let profiles = [ProfileChange(customerID: "m1", attributes: ["member": true]), ProfileChange(customerID: "n1", attributes: ["member": false])]
        // m2 becomes known (with a profile of its own only through events, so it is not a member) after the first tick.
        let events = [Self.event("m2", "app_open", at: 30 * 3600)]
        let options = SimulationOptions(start: Self.t0, until: Self.t0.addingTimeInterval(58 * 3600))
        let (stats, sink) = try await run([journey], events, profiles: profiles, options: options)
        #expect(stats.scheduleTicks == 3)  // 1 March, 2 March and 3 March at 10:00
        #expect(sink.actions.filter { $0.action == .send }.map { "\($0.customer) \(Timestamp.format($0.time))" } == [
            "m1 2024-03-01T10:00:00Z", "m1 2024-03-02T10:00:00Z", "m1 2024-03-03T10:00:00Z",
        ])
        #expect(stats.customers == 3)
    }

    @Test func profilesAreAppliedAtTheStartBeforeAnyEvent() async throws {
        let journey = try Self.journey("""
            journey: members
            entry: { event: app_open, where: "profile.member == true" }
            steps:
              - id: hello
                send: { channel: email, message: hi }
            """)
        let (_, sink) = try await run([journey], [Self.event("c1", "app_open", at: 0)], profiles: [ProfileChange(customerID: "c1", attributes: ["member": true])])
        #expect(sink.actions.map(\.action) == [.enter, .send, .exit])
    }

    @Test func identicalInputsGiveByteIdenticalOutputs() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let journeys = root.appendingPathComponent("journeys").path
        let directory = try TempDirectory()
        defer { directory.remove() }
        func simulate(_ out: String) async throws -> SimulateOutcome {
            var request = SimulateRequest(journeyPaths: [journeys])
            request.eventFiles = [journeys + "/data/events.csv"]
            request.profileFiles = [journeys + "/data/profiles.jsonl"]
            request.until = "2024-04-30"
            request.seed = 3
            request.outputDirectory = directory.file(out)
            return try await SimulateCommand.run(request)
        }
        let first = try await simulate("one")
        let second = try await simulate("two")
        #expect(first.summary.actions > 500)
        #expect(second.summary.actions == first.summary.actions)
        for name in ["actions.jsonl", "report.html"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: directory.file("one/\(name)")))
            let b = try Data(contentsOf: URL(fileURLWithPath: directory.file("two/\(name)")))
            #expect(a == b, "\(name) differs between two identical runs")
        }
        func summaryWithoutWallClock(_ dir: String) throws -> String {
            try String(contentsOfFile: directory.file("\(dir)/summary.json"), encoding: .utf8)
                .split(separator: "\n").filter { !$0.contains("\"wall_time_seconds\"") && !$0.contains("\"events_per_second\"") }.joined(separator: "\n")
        }
        #expect(try summaryWithoutWallClock("one") == summaryWithoutWallClock("two"))
        // The action lines follow the contract exactly.
        let firstLine = try String(contentsOfFile: directory.file("one/actions.jsonl"), encoding: .utf8).split(separator: "\n")[0]
        #expect(firstLine.hasPrefix("{\"time\":\"2024-02-26T01:45:32Z\",\"customer\":\""))
        #expect(firstLine.contains(",\"version\":1,\"run\":1,\"step\":\""))
        #expect(firstLine.hasSuffix(",\"variant\":null}") || firstLine.contains(",\"reason\":"))
    }

    /// The example journeys (win-back rechecks daily, two schedules) over the sample customers,
    /// cloned and shifted in time so that rechecks fall at every hour of the day; half the
    /// clones start from their profiles (rechecks on one grid), half from their first event.
    static func clonedSample(_ clones: Int) throws -> (journeys: [JourneyDefinition], events: [LoggedEvent], profiles: [ProfileChange], until: Date) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let journeys = root.appendingPathComponent("journeys").path
        let loaded = JourneyLoader().load(paths: [journeys])
        #expect(loaded.errorCount == 0)
        let sample = try EventLogReader.read(events: [journeys + "/data/events.csv"], profiles: [journeys + "/data/profiles.jsonl"], options: EventLogOptions())
        var events: [LoggedEvent] = []
        var profiles: [ProfileChange] = []
        for clone in 0..<clones {
            let shift = TimeInterval(clone) * 7_919  // about 2h12m apart, so grids do not line up
            events += sample.events.map { LoggedEvent(customerID: "k\(clone)-\($0.customerID)", name: $0.name, time: $0.time.addingTimeInterval(shift), properties: $0.properties) }
            if clone.isMultiple(of: 2) {
                profiles += sample.profiles.map { var profile = $0; profile.customerID = "k\(clone)-\($0.customerID)"; return profile }
            }
        }
        events.sort { $0.time < $1.time }
        let until = try #require(events.last?.time).addingTimeInterval(90 * 86_400)
        return (loaded.journeys.map(\.definition), events, profiles, until)
    }

    /// Skipping the rechecks at which nobody can enter changes no action, and no action's place in the log.
    @Test func skippedSegmentRechecksChangeNoAction() async throws {
        let (journeys, events, profiles, until) = try Self.clonedSample(12)
        func simulate(predicting: Bool) async throws -> (SimulationStats, CollectingSink) {
            try await Simulation(journeys: journeys, options: SimulationOptions(until: until, predictsSegmentRechecks: predicting))
                .run(events: events, profiles: profiles, sink: CollectingSink())
        }
        let (referenceStats, reference) = try await simulate(predicting: false)
        let (predictedStats, predicted) = try await simulate(predicting: true)
        #expect(predicted.actions == reference.actions)
        #expect(predicted.outbox == reference.outbox)
        #expect(predictedStats.pendingTimers == referenceStats.pendingTimers)
        #expect(reference.actions.filter { $0.journey == "win-back" && $0.action == .enter }.count > 100)
        // What the prediction is for: far fewer wake-ups.
        #expect(predictedStats.timersFired * 3 < referenceStats.timersFired)
    }

    /// Customers split over several engines run side by side, merged stretch by stretch: the
    /// same actions in the same order, the same counts, whatever the number of partitions.
    @Test(arguments: [2, 3, 7])
    func partitionsChangeNoActionAndNoOrder(partitions: Int) async throws {
        let (journeys, events, profiles, until) = try Self.clonedSample(10)
        func simulate(_ partitions: Int) async throws -> (SimulationStats, CollectingSink) {
            var options = SimulationOptions(until: until, flushEvery: 97)
            options.partitions = partitions
            options.eventsPerStretch = 500  // many stretches, ending anywhere in the log
            return try await Simulation(journeys: journeys, options: options).run(events: events, profiles: profiles, sink: CollectingSink())
        }
        let (oneStats, one) = try await simulate(1)
        let (splitStats, split) = try await simulate(partitions)
        #expect(one.actions.count > 1_000)
        #expect(split.actions == one.actions)
        #expect(split.outbox == one.outbox)
        #expect(splitStats == oneStats)
        #expect(split.tally == one.tally)
    }

    /// Ids that are one `String` (a precomposed and a decomposed `café`) are one customer
    /// whatever the number of partitions: they were split by their bytes, and were one
    /// customer or two depending on the count.
    @Test(arguments: [2, 3, 4, 8])
    func canonicallyEquivalentIdsAreOneCustomerInEveryPartitioning(partitions: Int) async throws {
        let journey = try Self.journey(Self.twoSends)
        let ids = ["caf\u{E9}", "cafe\u{301}", "\u{C5}x", "\u{212B}x", "\u{179}", "Z\u{301}", "plain"]
        let events = ids.enumerated().map { Self.event($1, "start", at: Double($0)) }
        func simulate(_ partitions: Int) async throws -> (SimulationStats, CollectingSink) {
            var options = SimulationOptions(until: Self.t0.addingTimeInterval(3 * 86_400))
            options.partitions = partitions
            return try await run([journey], events, options: options)
        }
        let (oneStats, one) = try await simulate(1)
        let (splitStats, split) = try await simulate(partitions)
        #expect(Set(one.actions.map(\.customer)).count == 4, "three pairs of one id and `plain`")
        #expect(split.actions == one.actions)
        #expect(splitStats == oneStats)
    }

    /// A sink that fails stops a parallel run with its error: the partitions waiting to hand
    /// over their stretches are let go, and nothing waits forever.
    @Test(.timeLimit(.minutes(1))) func aFailingSinkEndsAParallelRunWithItsError() async throws {
        struct DiskFull: Error {}
        struct FailingSink: SimulationSink {
            var batches = 0
            mutating func record(_ batch: CommittedBatch) throws {
                batches += 1
                if batches == 3 { throw DiskFull() }
            }
        }
        let (journeys, events, profiles, until) = try Self.clonedSample(4)
        var options = SimulationOptions(until: until, flushEvery: 50)
        options.partitions = 2
        options.eventsPerStretch = 100
        await #expect(throws: DiskFull.self) {
            _ = try await Simulation(journeys: journeys, options: options).run(events: events, profiles: profiles, sink: FailingSink())
        }
    }

    /// Without deliveries (as `waymark simulate` runs) the actions are the same, in the same
    /// order; only the outbox messages nobody reads are not built.
    @Test func aSimulationWithoutDeliveriesHasTheSameActions() async throws {
        let (journeys, events, profiles, until) = try Self.clonedSample(2)
        func simulate(keepingDeliveries: Bool) async throws -> (SimulationStats, CollectingSink) {
            var options = SimulationOptions(until: until)
            options.keepsDeliveries = keepingDeliveries
            return try await Simulation(journeys: journeys, options: options).run(events: events, profiles: profiles, sink: CollectingSink())
        }
        let (fullStats, full) = try await simulate(keepingDeliveries: true)
        let (leanStats, lean) = try await simulate(keepingDeliveries: false)
        #expect(full.outbox.count > 100)
        #expect(lean.outbox.isEmpty)
        #expect(lean.actions == full.actions)
        #expect(lean.tally == full.tally)
        #expect(leanStats == fullStats)
    }

    /// `waymark simulate`'s recorder in a parallel run: each partition counts its actions and
    /// formats its lines, the merge copies them in order. The file and the counts are those of
    /// one engine, byte for byte.
    @Test(arguments: [2, 3])
    func partitionsWriteTheSameActionLinesAndCounts(partitions: Int) async throws {
        let (journeys, events, profiles, until) = try Self.clonedSample(10)
        let directory = try TempDirectory()
        defer { directory.remove() }
        func simulate(_ partitions: Int) async throws -> (stats: SimulationStats, tally: SimulationTally, lines: Data) {
            var options = SimulationOptions(until: until, flushEvery: 97)
            options.partitions = partitions
            options.eventsPerStretch = 500
            let path = directory.file("actions-\(partitions).jsonl")
            let file = try BufferedFile(path: path)
            let (stats, recorder) = try await Simulation(journeys: journeys, options: options)
                .run(events: events, profiles: profiles, sink: SimulationRecorder(actions: file))
            try file.close()
            return (stats, recorder.tally, try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        let one = try await simulate(1)
        let split = try await simulate(partitions)
        #expect(one.tally.actions > 1_000)
        #expect(split.lines == one.lines)
        #expect(split.tally == one.tally)
        #expect(split.stats == one.stats)
    }

    /// The recorder formats each instant once for a run of actions at it; every line must still
    /// carry its own action's time, across batches too.
    @Test func theRecorderWritesEveryActionWithItsOwnTime() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let times = [0, 0, 0.5, 1, 1, 3_600, 3_600, 86_400].map { Self.t0.addingTimeInterval($0) }
        let actions = times.enumerated().map { index, time in
            ActionRecord(time: time, customer: "c\(index)", journey: "j", version: 1, run: 1, step: "s", action: .send, channel: "push", template: "t")
        }
        let path = directory.file("actions.jsonl")
        let file = try BufferedFile(path: path)
        var recorder = SimulationRecorder(actions: file)
        try recorder.record(CommittedBatch(shard: 0, actions: Array(actions[..<4]), inputs: 4))
        try recorder.record(CommittedBatch(shard: 0, actions: Array(actions[4...]), inputs: 4))
        try file.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == actions.map(ActionLines.line).joined())
        #expect(recorder.tally.actions == actions.count)
    }

    @Test func actionLinesHaveTheContractsKeyOrder() {
        let time = Timestamp.parse("2024-03-13T11:23:32.75Z", defaultZone: ZonedCalendar.utc)!
        let send = ActionRecord(time: time, customer: "user_0000", journey: "cart-abandonment", version: 1, run: 1, step: "remind", action: .send, channel: "push", template: "cart_reminder")
        #expect(ActionLines.line(send) == "{\"time\":\"2024-03-13T11:23:32Z\",\"customer\":\"user_0000\",\"journey\":\"cart-abandonment\",\"version\":1,\"run\":1,\"step\":\"remind\",\"action\":\"send\",\"channel\":\"push\",\"template\":\"cart_reminder\",\"variant\":null}\n")
        let exit = ActionRecord(time: time, customer: "a\"b", journey: "j", version: 2, run: 3, step: "s", action: .exit, variant: "holdout", reason: "holdout")
        #expect(ActionLines.line(exit) == "{\"time\":\"2024-03-13T11:23:32Z\",\"customer\":\"a\\\"b\",\"journey\":\"j\",\"version\":2,\"run\":3,\"step\":\"s\",\"action\":\"exit\",\"channel\":null,\"template\":null,\"variant\":\"holdout\",\"reason\":\"holdout\"}\n")
    }

    /// Ids are copied straight unless a byte needs escaping: a quote, a backslash or a control
    /// character, in a short id (stored inline) or a long one (on the heap), first or last.
    @Test(arguments: [
        ("plain", #""plain""#), ("\\start", #""\\start""#), ("tab\tin", #""tab\tin""#),
        ("a-customer-id-long-enough-for-the-heap-\"", #""a-customer-id-long-enough-for-the-heap-\"""#),
        ("\u{1}a-customer-id-long-enough-for-the-heap", #""\u0001a-customer-id-long-enough-for-the-heap""#),
        ("数字-ünïcode", #""数字-ünïcode""#),
    ])
    func actionLinesEscapeOnlyWhatJSONRequires(customer: String, quoted: String) throws {
        let action = ActionRecord(time: Date(timeIntervalSince1970: 0), customer: customer, journey: "j", version: 1, run: 1, step: nil, action: .enter)
        let line = ActionLines.line(action)
        #expect(line.contains("\"customer\":\(quoted),"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["customer"] as? String == customer)
    }
}
