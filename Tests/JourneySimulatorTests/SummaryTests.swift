import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
@testable import JourneySimulator
import Testing

/// The numbers of summary.json on a scenario whose every count is known, and the z-test on known values.
@Suite struct SummaryTests {
    @Test func twoProportionZTestMatchesKnownValues() throws {
        // Reference values computed independently (Python's math.erfc, pooled two-proportion z-test).
        let cases: [(Int, Int, Int, Int, Double, Double)] = [
            (120, 1000, 100, 1000, 1.4293008498232314, 0.1529177818639462),
            (30, 200, 10, 100, 1.2009611535381532, 0.229766270461138),
            (50, 100, 20, 100, 4.447495899966607, 8.687711677000068e-06),
            (1, 10, 0, 10, 1.025978352085154, 0.30490178817878844),
        ]
        for (x1, n1, x2, n2, z, p) in cases {
            let result = try #require(Statistics.twoProportionZTest(successes1: x1, trials1: n1, successes2: x2, trials2: n2))
            #expect(abs(result.z - z) < 1e-12)
            #expect(abs(result.pValue - p) < 1e-12 * max(1, p) + 1e-15)
        }
        // The textbook anchor: |z| = 1.96 is p = 0.05.
        #expect(abs(2 * (1 - Statistics.normalCDF(1.959963984540054)) - 0.05) < 1e-12)
        #expect(Statistics.twoProportionZTest(successes1: 0, trials1: 10, successes2: 0, trials2: 5)! == (0, 1))
        #expect(Statistics.twoProportionZTest(successes1: 1, trials1: 0, successes2: 0, trials2: 5) == nil)
        // Symmetric: swapping the groups flips z, keeps p.
        let forward = Statistics.twoProportionZTest(successes1: 30, trials1: 200, successes2: 10, trials2: 100)!
        let backward = Statistics.twoProportionZTest(successes1: 10, trials1: 100, successes2: 30, trials2: 200)!
        #expect(forward.z == -backward.z && forward.pValue == backward.pValue)
    }

    static let journey = """
        journey: ab
        entry: { event: signup }
        goal: { event: buy, within: 7d }
        steps:
          - id: assign
            split:
              variants:
                - { name: a, weight: 1, goto: send_a }
                - { name: b, weight: 1, goto: send_b }
              holdout: 20
          - id: send_a
            send: { channel: email, message: "A" }
            next: window
          - id: send_b
            send: { channel: sms, message: "B" }
          - id: window
            wait: 7d
        """

    /// The variant of a customer, computed here from the language's rule (a stable hash of
    /// customer, journey and step; below the holdout share is the holdout; the rest by weight).
    static func expectedVariant(_ customer: String) -> String {
        let point = StableHash.unitInterval(StableHash.fnv1a64(customer, "ab", "assign"))
        if point < 0.2 { return "holdout" }
        return (point - 0.2) / 0.8 * 2 < 1 ? "a" : "b"
    }

    @Test func summaryOfAHandCheckedSplit() async throws {
        let definition = try SimulationTests.journey(Self.journey)
        let t0 = SimulationTests.t0
        var events: [LoggedEvent] = []
        var groups: [String: (runs: Int, goals: Int)] = ["a": (0, 0), "b": (0, 0), "holdout": (0, 0)]
        for index in 0..<300 {
            let customer = "c\(index)"
            let variant = Self.expectedVariant(customer)
            events.append(LoggedEvent(customerID: customer, name: "signup", time: t0))
            let buys = switch variant { case "a": index % 2 == 0; case "b": index % 4 == 0; default: index % 5 == 0 }
            if buys { events.append(LoggedEvent(customerID: customer, name: "buy", time: t0.addingTimeInterval(3600))) }
            groups[variant]!.runs += 1
            if buys { groups[variant]!.goals += 1 }
        }
        events.sort { $0.time < $1.time }
        let (stats, sink) = try await Simulation(journeys: [definition], options: SimulationOptions(until: t0.addingTimeInterval(10 * 86_400)))
            .run(events: events, profiles: [], sink: CollectingSink())
        let summary = SimulationSummary(definitions: [definition], tally: sink.tally, stats: stats, totals: SimulationSummary.Totals())
        let (a, b, holdout) = (groups["a"]!, groups["b"]!, groups["holdout"]!)
        #expect(a.runs > 80 && b.runs > 80 && holdout.runs > 30)

        guard case .object(let root) = summary.json(), case .object(let journeys) = root["journeys"],
              case .object(let journey) = journeys["ab"], case .object(let versions) = journey["versions"],
              case .object(let version) = versions["1"]
        else { Issue.record("no journeys.ab.versions.1 in the summary"); return }
        #expect(version["customers_entered"] == .number(300))
        #expect(version["runs"] == .number(300))
        #expect(version["sends"] == .object(["email": .number(Double(a.runs)), "sms": .number(Double(b.runs))]))
        #expect(version["goals"] == .number(Double(a.goals + b.goals + holdout.goals)))
        #expect(version["conversion_rate"] == .number(Statistics.rounded(Double(a.goals + b.goals + holdout.goals) / 300)))
        #expect(version["exits"] == .object([
            "goal": .number(Double(a.goals + b.goals)),
            "completed": .number(Double(a.runs - a.goals + b.runs - b.goals)),
            "holdout": .number(Double(holdout.runs)),
        ]))
        #expect(version["suppressions"] == .object([:]))
        guard case .object(let steps) = version["steps"] else { Issue.record("no steps"); return }
        #expect(steps["assign"] == .object(["action": "split", "reached": .number(300)]))
        #expect(steps["send_a"] == .object(["action": "send", "reached": .number(Double(a.runs)), "sent": .number(Double(a.runs))]))
        #expect(steps["window"] == .object(["action": "wait", "reached": .number(Double(a.runs + b.runs))]))
        #expect(journey["pending_timers"] == .number(0))

        // The variant table, against rates, lift and p-values computed here.
        let rows = SimulationSummary.variantRows(summary.journeys[0])
        #expect(rows.map(\.name) == ["a", "b", "holdout"])
        let holdoutRate = Double(holdout.goals) / Double(holdout.runs)
        for (row, group) in zip(rows.prefix(2), [a, b]) {
            let rate = Double(group.goals) / Double(group.runs)
            #expect(row.runs == group.runs && row.sends == group.runs && row.goals == group.goals)
            #expect(row.conversionRate == rate)
            #expect(abs(row.lift! - (rate - holdoutRate) / holdoutRate) < 1e-12)
            let pooled = Double(group.goals + holdout.goals) / Double(group.runs + holdout.runs)
            let z = (rate - holdoutRate) / (pooled * (1 - pooled) * (1 / Double(group.runs) + 1 / Double(holdout.runs))).squareRoot()
            let p = 2 * (1 - Statistics.normalCDF(abs(z)))
            #expect(abs(row.pValue! - p) < 1e-9)
        }
        #expect(rows[2].runs == holdout.runs && rows[2].sends == 0 && rows[2].goals == holdout.goals && rows[2].lift == nil && rows[2].pValue == nil)
        guard case .object(let variants) = version["variants"], case .object(let aFields) = variants["a"] else { Issue.record("no variants"); return }
        #expect(aFields["runs"] == .number(Double(a.runs)))
        #expect(aFields["lift"] == .number(Statistics.rounded(rows[0].lift!)))
    }

    /// A p-value too small to print is `&lt; 0.0001` in report.html: a bare `<` is not HTML.
    @Test func aTinyPValueIsEscapedInTheReport() async throws {
        let definition = try SimulationTests.journey(Self.journey)
        let t0 = SimulationTests.t0
        var events: [LoggedEvent] = []
        for index in 0..<2000 {
            let customer = "c\(index)"
            events.append(LoggedEvent(customerID: customer, name: "signup", time: t0))
            // Every variant customer buys, no holdout customer does.
            if Self.expectedVariant(customer) != "holdout" { events.append(LoggedEvent(customerID: customer, name: "buy", time: t0.addingTimeInterval(60))) }
        }
        events.sort { $0.time < $1.time }
        let (stats, sink) = try await Simulation(journeys: [definition], options: SimulationOptions(until: t0.addingTimeInterval(8 * 86_400)))
            .run(events: events, profiles: [], sink: CollectingSink())
        let summary = SimulationSummary(definitions: [definition], tally: sink.tally, stats: stats, totals: SimulationSummary.Totals())
        #expect(SimulationSummary.variantRows(summary.journeys[0]).first?.pValue.map { $0 < 0.0001 } == true)
        let html = ReportHTML.render(summary)
        #expect(html.contains("&lt; 0.0001"))
        #expect(!html.contains("< 0.0001"))
    }

    /// A run that comes back to its split is still one run of its variant: conversion rates
    /// divide by runs, not by visits to the split (an audit found 25 "variant runs" in 10 runs).
    @Test func aRunThatLoopsThroughItsSplitIsOneVariantRun() async throws {
        let definition = try SimulationTests.journey("""
            journey: loop
            entry: { event: signup }
            goal: { event: buy, exit: false }
            steps:
              - id: assign
                split:
                  variants:
                    - { name: a, weight: 1, goto: nudge }
                    - { name: b, weight: 1, goto: nudge }
              - id: nudge
                send: { channel: email, message: "hi" }
              - id: nap
                wait: 1d
              - id: again
                goto: assign
            """)
        let t0 = SimulationTests.t0
        var events: [LoggedEvent] = []
        for index in 0..<10 {
            events.append(LoggedEvent(customerID: "c\(index)", name: "signup", time: t0))
            if index < 5 { events.append(LoggedEvent(customerID: "c\(index)", name: "buy", time: t0.addingTimeInterval(12 * 3600))) }
        }
        events.sort { $0.time < $1.time }
        let (stats, sink) = try await Simulation(journeys: [definition], options: SimulationOptions(until: t0.addingTimeInterval(2.5 * 86_400)))
            .run(events: events, profiles: [], sink: CollectingSink())
        let summary = SimulationSummary(definitions: [definition], tally: sink.tally, stats: stats, totals: SimulationSummary.Totals())
        // Each run passed the split three times (at 0, 1d and 2d), always into the same variant.
        var runsOf: [String: Set<String>] = [:]
        var goalsOf: [String: Int] = [:]
        for action in sink.actions where action.variant != nil {
            runsOf[action.variant!, default: []].insert("\(action.customer)#\(action.run)")
            if action.action == .goal { goalsOf[action.variant!, default: 0] += 1 }
        }
        #expect(sink.actions.filter { $0.action == .send }.count == 30)
        let rows = SimulationSummary.variantRows(summary.journeys[0])
        #expect(rows.map(\.runs).reduce(0, +) == 10)
        for row in rows {
            #expect(row.runs == runsOf[row.name]?.count ?? 0, "\(row.name)")
            #expect(row.goals == goalsOf[row.name] ?? 0)
            #expect(row.conversionRate == Double(row.goals) / Double(row.runs))
        }
    }

    /// A batch's records interleave journeys and versions (one customer's input after another's):
    /// each lands in its own version's tally, in batches that go on where the last one stopped.
    @Test func tallyCountsEachRecordUnderItsOwnJourneyVersion() {
        let time = Date(timeIntervalSince1970: 0)
        func action(_ journey: String, _ version: Int, _ kind: ActionRecord.Kind, customer: String, channel: String? = nil) -> ActionRecord {
            ActionRecord(time: time, customer: customer, journey: journey, version: version, run: 1, step: "s", action: kind, channel: channel)
        }
        func reached(_ journey: String, _ version: Int, _ step: String) -> StepTrace {
            StepTrace(journey: journey, version: version, step: step, variant: nil, kind: .reached)
        }
        let batches = [
            CommittedBatch(shard: 0, actions: [
                action("a", 1, .enter, customer: "c1"), action("a", 1, .send, customer: "c1", channel: "sms"),
                action("b", 1, .enter, customer: "c2"), action("a", 2, .enter, customer: "c3"),
                action("a", 1, .send, customer: "c4", channel: "email"),
            ], traces: [reached("a", 1, "s"), reached("b", 1, "s"), reached("b", 1, "t"), reached("a", 1, "s")]),
            CommittedBatch(shard: 0, actions: [action("a", 1, .enter, customer: "c5"), action("b", 1, .goal, customer: "c2")],
                           traces: [reached("a", 2, "s")]),
        ]
        var tally = SimulationTally()
        for batch in batches { tally.add(batch) }

        var expected: [String: [Int: VersionTally]] = [:]
        for batch in batches {
            for record in batch.actions { expected[record.journey, default: [:]][record.version, default: VersionTally()].add(record) }
            for trace in batch.traces { expected[trace.journey, default: [:]][trace.version, default: VersionTally()].add(trace) }
        }
        #expect(tally.versions == expected)
        #expect(tally.actions == 7)
        #expect(tally.versions["a"]?[1]?.runs == 2)
        #expect(tally.versions["a"]?[1]?.sends == ["sms": 1, "email": 1])
        #expect(tally.versions["a"]?[1]?.reached == ["s": 2])
        #expect(tally.versions["a"]?[2]?.customersEntered == ["c3"])
        #expect(tally.versions["a"]?[2]?.reached == ["s": 1])
        #expect(tally.versions["b"]?[1]?.goals == 1)
        #expect(tally.versions["b"]?[1]?.reached == ["s": 1, "t": 1])
    }
}
