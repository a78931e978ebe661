import Foundation
import JourneyModel
import JourneyRuntime
import JourneyYAML

/// Everything `waymark simulate` was asked to do.
public struct SimulateRequest: Sendable {
    public var journeyPaths: [String]
    public var eventFiles: [String] = []
    public var profileFiles: [String] = []
    public var log = EventLogOptions()
    public var until: String?
    public var seed: UInt64 = 0
    public var outputDirectory = "simulation"
    /// A synthetic population: how many customers, and the behaviour model file.
    public var population: Int?
    public var behaviorFile: String?
    /// Engines run side by side, each on a share of the customers (``SimulationOptions/partitions``);
    /// the outputs are the same for any number.
    public var partitions = 1

    public init(journeyPaths: [String]) {
        self.journeyPaths = journeyPaths
    }
}

/// What a finished `waymark simulate` wrote, and its summary.
public struct SimulateOutcome: Sendable {
    public var summary: SimulationSummary
    public var actionsPath: String
    public var summaryPath: String
    public var reportPath: String
    /// Bad rows skipped (first hundred), to show on stderr.
    public var skipped: [Diagnostic]
    /// Warnings from loading the journeys.
    public var warnings: [Diagnostic]
}

/// A failure that carries compiler-style diagnostics (`FILE:LINE:COLUMN: error: …`).
public struct DiagnosticsError: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// `waymark simulate`: load journeys and inputs, run, write the three outputs.
public enum SimulateCommand {
    public static func run(_ request: SimulateRequest, progress: (@Sendable (SimulationProgress, Double) -> Void)? = nil) async throws -> SimulateOutcome {
        let wallStart = ContinuousClock.now
        let loaded = JourneyLoader().load(paths: request.journeyPaths)
        if loaded.errorCount > 0 { throw DiagnosticsError(loaded.diagnostics.filter { $0.severity == .error }) }
        let definitions = loaded.journeys.map(\.definition)

        // The profiles are read beside the events (separate files, no order between them): on the
        // benchmark's 1M-event log that takes half a second off the part no partition shares.
        async let profileLog = EventLogReader.read(events: [], profiles: request.profileFiles, options: request.log)
        var log = try EventLogReader.read(events: request.eventFiles, options: request.log)
        log.append(try await profileLog)
        var responses: (any ResponseModel)?
        if let count = request.population {
            guard let file = request.behaviorFile else { throw SimulationError("--population needs --behavior FILE (the behaviour model)") }
            let model = try BehaviorModel.load(path: file)
            let population = Population(model: model, size: count, seed: request.seed)
            let generated = population.generate()
            log.events += generated.events
            log.profiles += generated.profiles
            responses = population.responder()
        }
        var options = SimulationOptions()
        options.partitions = request.partitions
        // The outputs are actions and counts: nothing would read an outbox message.
        options.keepsDeliveries = false
        if let until = request.until {
            guard let time = Timestamp.parse(until, defaultZone: request.log.timeZone) else {
                throw SimulationError("--until: cannot read the time `\(until)`: \(CellValues.timeHelp)")
            }
            options.until = time
        }
        let events = log.sortedEvents()
        let profiles = log.profiles
        log.events = []

        let directory = request.outputDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let actionsPath = (directory as NSString).appendingPathComponent("actions.jsonl")
        let simulation = Simulation(journeys: definitions, options: options)
        var report: (@Sendable (SimulationProgress) -> Void)?
        if let progress {
            report = { @Sendable update in progress(update, (ContinuousClock.now - wallStart).seconds) }
        }
        let (stats, recorder) = try await simulation.run(
            events: events, profiles: profiles, responses: responses,
            sink: SimulationRecorder(actions: try BufferedFile(path: actionsPath)), progress: report)
        try recorder.actions.close()

        var totals = SimulationSummary.Totals()
        totals.eventsRead = events.count
        totals.badRowsSkipped = log.badRowCount
        totals.profilesRead = profiles.count
        totals.seed = request.seed
        totals.wallTime = (ContinuousClock.now - wallStart).seconds
        let summary = SimulationSummary(definitions: definitions, tally: recorder.tally, stats: stats, totals: totals)
        let summaryPath = (directory as NSString).appendingPathComponent("summary.json")
        let reportPath = (directory as NSString).appendingPathComponent("report.html")
        try Data(PrettyJSON.string(summary.json()).utf8).write(to: URL(fileURLWithPath: summaryPath))
        try Data(ReportHTML.render(summary).utf8).write(to: URL(fileURLWithPath: reportPath))
        return SimulateOutcome(
            summary: summary, actionsPath: actionsPath, summaryPath: summaryPath, reportPath: reportPath,
            skipped: log.badRows, warnings: loaded.diagnostics.filter { $0.severity == .warning })
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
