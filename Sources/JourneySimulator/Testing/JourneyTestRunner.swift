import Foundation
import JourneyModel
import JourneyRuntime
import JourneyYAML

/// `waymark test`: runs `DIR/tests/*.yaml` against the journeys of `DIR`, each
/// test alone in its own simulation (its journey only, one customer).
public struct JourneyTestRunner {
    public struct Result: Sendable {
        public var name: String
        public var file: String
        public var passed: Bool
        /// The explanation of a failure, already formatted (side-by-side diff or an error).
        public var details: String
        public var journeyID: String? = nil
        /// The step-graph edges the test's run took (for path coverage).
        public var edgesTaken: Set<VersionTally.EdgeKey> = []
    }

    public struct Report: Sendable {
        public var results: [Result]
        public var passed: Int { results.count { $0.passed } }
        public var failed: Int { results.count { !$0.passed } }
        /// What the command prints: one line per test, details under failures, and the count line last.
        public var text: String {
            var output = ""
            for result in results {
                output += (result.passed ? "✔ " : "✘ ") + result.name + "\n"
                if !result.passed { output += result.details }
            }
            return output + "\(passed) passed, \(failed) failed\n"
        }

        /// Per journey, the edges of its step graph that no test took (`from → to [label]`).
        public func uncoveredEdges(_ journeys: [JourneyDefinition]) -> [String: [String]] {
            var uncovered: [String: [String]] = [:]
            for journey in journeys {
                let taken = results.filter { $0.journeyID == journey.id }.reduce(into: Set<VersionTally.EdgeKey>()) { $0.formUnion($1.edgesTaken) }
                let graph = StepGraph(journey)
                for edge in graph.edges where !Self.isDead(edge, in: journey) {
                    let key = VersionTally.EdgeKey(from: graph.steps[edge.from].id, to: edge.target.stepID, label: edge.label)
                    if !taken.contains(key) { uncovered[journey.id, default: []].append("\(key.from) → \(key.to ?? "end") [\(key.label)]") }
                }
            }
            return uncovered
        }

        /// A `wait_for`'s event edge that no run can take: its event is also an exit criterion
        /// without a condition, and exit criteria are handled first.
        static func isDead(_ edge: StepGraph.Edge, in journey: JourneyDefinition) -> Bool {
            guard edge.label == "event", case .waitFor(let waitFor) = journey.steps[edge.from].action else { return false }
            return journey.exits.contains { $0.event == waitFor.event && $0.condition == nil }
        }
    }

    /// The actual actions of a run, as the diff shows them.
    struct Actual {
        var offset: TimeInterval
        var action: ActionRecord
        var url: String?
    }

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func run() async -> Report {
        let testsDirectory = (directory as NSString).appendingPathComponent("tests")
        let loaded = JourneyLoader().load(paths: [directory])
        var journeys: [String: JourneyDefinition] = [:]
        for journey in loaded.journeys { journeys[journey.definition.id] = journey.definition }
        let brokenFiles = Dictionary(grouping: loaded.diagnostics.filter { $0.severity == .error }, by: \.location.file)
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: testsDirectory)) ?? [])
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }
            .sorted()
            .map { (testsDirectory as NSString).appendingPathComponent($0) }
        var results: [Result] = []
        if files.isEmpty {
            results.append(Result(name: "no tests in \(testsDirectory)", file: testsDirectory, passed: false, details: "    no *.yaml files in \(testsDirectory)\n"))
        }
        for file in files {
            let tests: [JourneyTest]
            do {
                tests = try JourneyTest.load(file: file)
            } catch {
                results.append(Result(name: "\((file as NSString).lastPathComponent) cannot be read", file: file, passed: false, details: "    \(error)\n"))
                continue
            }
            for test in tests {
                guard let definition = journeys[test.journeyID] else {
                    var details = "    \(test.location): error: no valid journey `\(test.journeyID)` in \(directory)\n"
                    for (_, diagnostics) in brokenFiles.sorted(by: { $0.key < $1.key }) {
                        for diagnostic in diagnostics { details += "    \(diagnostic)\n" }
                    }
                    results.append(Result(name: test.name, file: file, passed: false, details: details))
                    continue
                }
                results.append(await Self.run(test, journey: definition, file: file))
            }
        }
        return Report(results: results)
    }

    /// Runs one test in its own simulation and checks its expectations.
    static func run(_ test: JourneyTest, journey: JourneyDefinition, file: String) async -> Result {
        let customer = test.profile.customerID
        let events = test.events.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map { LoggedEvent(customerID: customer, name: $0.element.name, time: test.start.addingTimeInterval($0.element.at), properties: $0.element.properties) }
        let horizon = (test.events.map(\.at) + test.expect.map(\.at) + test.expectNo.compactMap(\.before) + [0]).max()!
        let options = SimulationOptions(start: test.start, until: test.start.addingTimeInterval(horizon), flushEvery: 1 << 20)
        let sink: CollectingSink
        do {
            sink = try await Simulation(journeys: [journey], options: options).run(events: events, profiles: [test.profile], sink: CollectingSink()).sink
        } catch {
            return Result(name: test.name, file: file, passed: false, details: "    \(test.location): error: the simulation failed: \(error)\n")
        }
        var result = check(test, actions: sink.actions, outbox: sink.outbox, file: file)
        result.journeyID = journey.id
        result.edgesTaken = Set(sink.tally.versions[journey.id]?.values.flatMap { $0.edges.keys } ?? [])
        return result
    }

    /// Compares the actions of a run with the test's expectations.
    static func check(_ test: JourneyTest, actions: [ActionRecord], outbox: [OutboundMessage], file: String) -> Result {
        var webhookURLs = outbox.filter { $0.kind == .webhook }.map { $0.webhook?.url }.makeIterator()
        let actual = actions.map { action in
            Actual(offset: action.time.timeIntervalSince(test.start), action: action, url: action.action == .webhook ? webhookURLs.next() ?? nil : nil)
        }
        var left: [(ok: Bool, text: String)] = []
        for expectation in test.expect.sorted(by: { $0.at < $1.at }) {
            let ok = actual.contains { $0.offset == expectation.at && expectation.matcher.matches($0.action, url: $0.url) }
            left.append((ok, "\(offset(expectation.at))  \(expectation.matcher.description)"))
        }
        for prohibition in test.expectNo {
            let violation = actual.first { item in
                (prohibition.before.map { item.offset < $0 } ?? true) && prohibition.matcher.matches(item.action, url: item.url)
            }
            let limit = prohibition.before.map { " before \(offset($0))" } ?? ""
            let text = "no \(prohibition.matcher.description)\(limit)" + (violation.map { " (happened at \(offset($0.offset)))" } ?? "")
            left.append((violation == nil, text))
        }
        let passed = left.allSatisfy(\.ok)
        guard !passed else { return Result(name: test.name, file: file, passed: true, details: "") }
        return Result(name: test.name, file: file, passed: false, details: sideBySide(test, left: left, actual: actual))
    }

    static func sideBySide(_ test: JourneyTest, left: [(ok: Bool, text: String)], actual: [Actual]) -> String {
        let leftLines = left.map { ($0.ok ? "✔ " : "✘ ") + $0.text }
        let rightLines = actual.map { item -> String in
            var text = "\(offset(item.offset))  \(describe(item.action, url: item.url))"
            if let step = item.action.step { text += "  (\(step))" }
            return text
        }
        let width = min(64, max(("expected".count), leftLines.map(\.count).max() ?? 0)) + 3
        func pad(_ text: String) -> String {
            let clipped = text.count > width - 3 ? String(text.prefix(width - 4)) + "…" : text
            return clipped + String(repeating: " ", count: max(0, width - clipped.count))
        }
        var output = "    \(test.location)\n"
        output += "    " + pad("expected") + "│ actual (\(test.journeyID), customer \(test.profile.customerID))\n"
        output += "    " + String(repeating: "─", count: width) + "┼" + String(repeating: "─", count: 40) + "\n"
        for row in 0..<max(leftLines.count, rightLines.count, 1) {
            let leftText = row < leftLines.count ? leftLines[row] : ""
            let rightText = row < rightLines.count ? rightLines[row] : (row == 0 ? "(no actions)" : "")
            output += "    " + pad(leftText) + "│ " + rightText + "\n"
        }
        return output
    }

    /// An action in the words of an expectation: `send channel=push template=cart_reminder`.
    static func describe(_ action: ActionRecord, url: String?) -> String {
        var matcher = ActionMatcher(kind: action.action)
        switch action.action {
        case .send, .suppressed:
            matcher.channel = action.channel
            matcher.template = action.template
            matcher.reason = action.reason
        case .webhook:
            matcher.url = url
        case .exit, .update:
            matcher.reason = action.reason
        case .enter, .goal:
            break
        }
        var text = matcher.description
        if let variant = action.variant { text += " [\(variant)]" }
        return text
    }

    /// `+0m`, `+90m`, `+25h`, `+3d`: an offset in the largest whole unit (days only past 3).
    static func offset(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded(.down))
        if whole == 0 { return "+0m" }
        if whole % 86_400 == 0 && whole / 86_400 > 3 { return "+\(whole / 86_400)d" }
        if whole % 3600 == 0 { return "+\(whole / 3600)h" }
        if whole % 60 == 0 { return "+\(whole / 60)m" }
        return "+\(whole)s"
    }
}
