import BenchSupport
import Foundation
import JourneyEngine
import JourneyRuntime
import JourneySimulator

/// `waymark simulate`'s throughput on a generated log (`SIM_EVENTS`, default
/// 1M): end to end as the command runs (read the CSV and profiles, simulate,
/// write actions.jsonl, summary.json and report.html), and the simulation
/// alone on events already in memory.
enum SimulatorBench {
    @concurrent
    static func run() async throws {
        let count = Report.env("SIM_EVENTS", 1_000_000)
        let directory = try Report.scratch("simulate")
        defer { try? FileManager.default.removeItem(at: directory) }
        Report.log("generating \(count) events")
        let log = try Workload.generate(count: count, seed: 3)
        let eventsPath = directory.appendingPathComponent("events.csv").path
        let profilesPath = directory.appendingPathComponent("profiles.jsonl").path
        try log.write(eventsTo: eventsPath, profilesTo: profilesPath)
        Report.log("\(count) events of \(log.customers) customers written to \(eventsPath)")

        // End to end, as `waymark simulate journeys --events … --profiles …` runs it.
        var request = SimulateRequest(journeyPaths: [Workload.journeysDirectory])
        request.eventFiles = [eventsPath]
        request.profileFiles = [profilesPath]
        request.outputDirectory = directory.appendingPathComponent("out").path
        // As the command runs by default: one engine per core, merged into one order.
        let partitions = min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))
        request.partitions = partitions
        let start = ContinuousClock.now
        let cpuStart = cpuSeconds()
        let outcome = try await SimulateCommand.run(request)
        let wall = seconds(ContinuousClock.now - start)
        let cpu = cpuSeconds() - cpuStart
        let processed = outcome.summary.stats.eventsProcessed
        Report.log("end to end: \(processed) events in \(wall) s, \(outcome.summary.actions) actions")

        // The simulation alone: events in memory, actions counted, nothing written.
        let journeys = try Workload.journeys()
        var options = SimulationOptions()
        options.partitions = partitions
        options.keepsDeliveries = false  // as `waymark simulate` runs: nothing reads an outbox message
        let simulation = Simulation(journeys: journeys, options: options)
        var sink = CountingSink()
        let coreStart = ContinuousClock.now
        let coreCPUStart = cpuSeconds()
        let stats = try await simulation.run(events: log.events, profiles: log.profiles, sink: &sink)
        let core = seconds(ContinuousClock.now - coreStart)
        let coreCPU = cpuSeconds() - coreCPUStart

        // The baseline: the interpreter alone replaying the same log (events and the timers they set).
        var replay = InterpreterReplay(log: log, catalog: try Workload.catalog())
        let replayStart = ContinuousClock.now
        while replay.laps == 0 { replay.step() }
        let replaySeconds = seconds(ContinuousClock.now - replayStart)
        let replayInputs = replay.inputs - 1
        Report.log("simulation alone: \(stats.eventsProcessed) events, \(stats.timersFired) timers in \(core) s")
        // Not the same work as the simulation: the replay leaves out the starting profiles and the
        // schedule ticks (every known customer, at every tick), and the timers that follow from them.
        let replayWhat = "the interpreter alone on one thread replaying the same events and the timers they set, events/s "
            + "(\(replayInputs) inputs; no starting profiles and no schedule ticks, which the simulation also runs: "
            + "it fired \(stats.timersFired) timers and \(stats.scheduleTicks) ticks of every known customer)"

        Report.emit(Figure(
            key: "simulate_end_to_end", what: "simulator, end to end: `waymark simulate` on a generated \(count / 1000)k-event CSV log (\(log.customers) customers, 10 example journeys; read + simulate + write outputs)",
            value: Double(processed) / wall, unit: "events/s",
            baseline: Double(count) / replaySeconds, baselineWhat: replayWhat,
            goal: "≥ 1,000,000 events/s",
            notes: "\(partitions) partitions; \(String(format: "%.2f", wall)) s wall, \(String(format: "%.2f", cpu)) s CPU"))
        Report.emit(Figure(
            key: "simulate_core", what: "simulator, engine only: the same events already in memory, actions counted, no files",
            value: Double(stats.eventsProcessed) / core, unit: "events/s",
            baseline: Double(count) / replaySeconds, baselineWhat: replayWhat,
            goal: "≥ 1,000,000 events/s",
            notes: "\(partitions) partitions; \(stats.timersFired) timers fired, \(sink.actions) actions, \(String(format: "%.2f", core)) s wall, \(String(format: "%.2f", coreCPU)) s CPU"))
    }
}

extension SimulatorBench {
    /// Writes the simulate benchmark's log (`SIM_EVENTS`, same seed) to `directory` as
    /// `events.csv` and `profiles.jsonl`, so `waymark simulate` can be run on it by hand:
    /// to profile it, or to compare the outputs of two builds.
    static func generate(into directory: String) throws {
        let count = Report.env("SIM_EVENTS", 1_000_000)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let log = try Workload.generate(count: count, seed: 3)
        let events = (directory as NSString).appendingPathComponent("events.csv")
        try log.write(eventsTo: events, profilesTo: (directory as NSString).appendingPathComponent("profiles.jsonl"))
        Report.log("\(count) events of \(log.customers) customers written to \(events)")
    }
}

extension SimulatorBench {
    /// The baseline alone: the interpreter replaying the simulate benchmark's log
    /// (`SIM_EVENTS`, same seed) `REPLAY_LAPS` times. Prints inputs/s and events/s on
    /// stderr; for profiling the interpreter with nothing else in the process's samples.
    @concurrent
    static func replay() async throws {
        let count = Report.env("SIM_EVENTS", 1_000_000)
        let laps = Report.env("REPLAY_LAPS", 1)
        let log = try Workload.generate(count: count, seed: 3)
        var replay = InterpreterReplay(log: log, catalog: try Workload.catalog())
        let start = ContinuousClock.now
        let cpuStart = cpuSeconds()
        while replay.laps < laps { replay.step() }
        let wall = seconds(ContinuousClock.now - start)
        let cpu = cpuSeconds() - cpuStart
        let inputs = replay.inputs - 1
        Report.log("replay: \(laps) laps, \(inputs) inputs in \(String(format: "%.2f", wall)) s wall, \(String(format: "%.2f", cpu)) s CPU; "
            + "\(Int(Double(inputs) / wall)) inputs/s, \(Int(Double(count * laps) / wall)) events/s")
    }
}

struct CountingSink: SimulationSink {
    var actions = 0
    mutating func record(_ batch: CommittedBatch) throws { actions += batch.actions.count }
}
