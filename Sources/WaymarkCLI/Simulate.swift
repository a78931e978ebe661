import ArgumentParser
import Foundation
import JourneyModel
import JourneySimulator
import Synchronization

extension Waymark {
    /// `waymark simulate`: replay an event log (or a synthetic population) through journeys on a virtual clock.
    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay events through journeys on a virtual clock; write actions, a summary and an HTML report.",
            discussion: "No network and no real sends. Identical inputs and seed give byte-identical actions.jsonl and report.html."
        )

        @Argument(help: "Journey files or folders (a folder means its *.yaml and *.yml files).")
        var journeys: [String] = ["journeys"]

        @Option(name: .customLong("events"), help: "An event log: CSV with a header row, or JSON Lines (.jsonl/.ndjson); .gz for gzip. Repeatable.")
        var events: [String] = []

        @Option(name: .customLong("profiles"), help: "JSON Lines of {customer_id, attributes, identities, consent} to start from. Repeatable.")
        var profiles: [String] = []

        @Option(help: "The column (or JSON key) holding the customer id.")
        var customerColumn = "customer_id"

        @Option(help: "The column (or JSON key) holding the event name (JSON Lines also accept `name`).")
        var eventColumn = "event"

        @Option(help: "The column (or JSON key) holding the event time.")
        var timeColumn = "time"

        @Option(help: "The IANA zone of times written without an offset.")
        var timezone = "UTC"

        @Option(help: "Run the virtual clock to this time (default: the last event's time).")
        var until: String?

        @Option(help: "The seed for anything random (synthetic populations).")
        var seed: UInt64 = 0

        @Option(help: "The folder for actions.jsonl, summary.json and report.html.")
        var out = "simulation"

        @Flag(help: "Count malformed rows in the summary instead of stopping at the first.")
        var skipBadRows = false

        @Option(help: "Generate a synthetic population of N customers (needs --behavior).")
        var population: Int?

        @Option(help: "The behaviour model (YAML) of the synthetic population.")
        var behavior: String?

        @Option(help: "Engines to run side by side, each on a share of the customers (default: one per core, at most 8). The outputs are the same for any number.")
        var partitions: Int?

        func validate() throws {
            if events.isEmpty && population == nil { throw ValidationError("give an event log with --events FILE, or a synthetic population with --population N --behavior FILE") }
            if population != nil && behavior == nil { throw ValidationError("--population needs --behavior FILE") }
            if let population, population < 1 { throw ValidationError("--population must be at least 1") }
            if let partitions, !(1...64).contains(partitions) { throw ValidationError("--partitions must be between 1 and 64") }
            if ZonedCalendar.zone(named: timezone) == nil { throw ValidationError("--timezone: unknown zone `\(timezone)` (use an IANA name such as Asia/Shanghai)") }
        }

        func run() async throws {
            var request = SimulateRequest(journeyPaths: journeys)
            request.eventFiles = events
            request.profileFiles = profiles
            request.log = EventLogOptions(
                customerColumn: customerColumn, eventColumn: eventColumn, timeColumn: timeColumn,
                timeZone: ZonedCalendar.zone(named: timezone)!, skipBadRows: skipBadRows)
            request.until = until
            request.seed = seed
            request.outputDirectory = out
            request.population = population
            request.behaviorFile = behavior
            request.partitions = partitions ?? min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))
            let progress = ProgressLine()
            let outcome: SimulateOutcome
            let report: (@Sendable (SimulationProgress, Double) -> Void)? = progress.isActive ? { @Sendable update, elapsed in progress.show(update, elapsed) } : nil
            do {
                outcome = try await SimulateCommand.run(request, progress: report)
            } catch let error as DiagnosticsError {
                progress.clear()
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(1)
            } catch let error as Diagnostic {
                progress.clear()
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(1)
            } catch let error as SimulationError {
                progress.clear()
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
            progress.clear()
            for warning in outcome.warnings { FileHandle.standardError.write(Data((warning.description + "\n").utf8)) }
            if !outcome.skipped.isEmpty {
                let count = outcome.summary.totals.badRowsSkipped
                FileHandle.standardError.write(Data("skipped \(count) bad row\(count == 1 ? "" : "s"); the first:\n".utf8))
                for diagnostic in outcome.skipped.prefix(10) { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
            }
            let stats = outcome.summary.stats
            print("simulated \(stats.eventsProcessed) events for \(stats.customers) customers, \(Timestamp.format(stats.start)) → \(Timestamp.format(stats.until)): \(outcome.summary.actions) actions")
            if stats.eventsAfterUntil > 0 { print("\(stats.eventsAfterUntil) events after --until were not processed") }
            print("actions: \(outcome.actionsPath)")
            print("summary: \(outcome.summaryPath)")
            print("report:  \(outcome.reportPath)")
        }
    }
}

/// One line of progress on a terminal's stderr, redrawn in place; silent when stderr is not a terminal.
final class ProgressLine: Sendable {
    let isActive = isatty(STDERR_FILENO) != 0
    /// When the line was last drawn (seconds into the run), and whether it is on screen.
    private let state = Mutex((lastDrawn: -1.0, drawn: false))

    func show(_ progress: SimulationProgress, _ elapsed: Double) {
        guard isActive else { return }
        let draw = state.withLock { state -> Bool in
            guard elapsed - state.lastDrawn >= 0.25 else { return false }
            state = (elapsed, true)
            return true
        }
        guard draw else { return }
        let rate = elapsed > 0 ? Int(Double(progress.eventsDone) / elapsed) : 0
        let line = "\r\u{1B}[K\(progress.eventsDone) events · \(rate) events/s · virtual time \(Timestamp.format(progress.virtualTime))"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func clear() {
        guard isActive, state.withLock({ state in defer { state.drawn = false }; return state.drawn }) else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
