import Foundation
import JourneyModel
import JourneyRuntime

/// One row of a variant table.
public struct VariantRow: Sendable, Hashable {
    public var name: String
    public var runs: Int
    public var sends: Int
    public var goals: Int
    /// Goals per run; nil without runs.
    public var conversionRate: Double?
    /// Relative lift of the conversion rate over the holdout's; nil without a holdout or when it never converts.
    public var lift: Double?
    /// Two-sided p-value of the difference with the holdout (two-proportion z-test).
    public var pValue: Double?
}

/// The numbers of `summary.json` and of the report, computed once from a run's tally.
public struct SimulationSummary: Sendable {
    public struct Journey: Sendable {
        public var definition: JourneyDefinition
        public var version: Int
        public var tally: VersionTally
        public var pendingTimers: Int
    }

    /// Totals of the run that are not about one journey.
    public struct Totals: Sendable {
        public var eventsRead = 0
        public var badRowsSkipped = 0
        public var profilesRead = 0
        public var seed: UInt64?
        public var wallTime: Double = 0

        public init() {}
    }

    public var journeys: [Journey]
    public var stats: SimulationStats
    public var totals: Totals
    public var actions: Int

    public init(definitions: [JourneyDefinition], tally: SimulationTally, stats: SimulationStats, totals: Totals) {
        var journeys: [Journey] = []
        for definition in definitions.sorted(by: { $0.id < $1.id }) {
            let deployed = stats.versions[definition.id] ?? 1
            var versions = tally.versions[definition.id] ?? [:]
            if versions[deployed] == nil { versions[deployed] = VersionTally() }
            for version in versions.keys.sorted() {
                journeys.append(Journey(definition: definition, version: version, tally: versions[version]!, pendingTimers: stats.pendingTimers[definition.id] ?? 0))
            }
        }
        self.journeys = journeys
        self.stats = stats
        self.totals = totals
        self.actions = tally.actions
    }

    /// The variant table of a journey version: every variant of its splits, and the holdout.
    public static func variantRows(_ journey: Journey) -> [VariantRow] {
        let runs = journey.tally.variantRuns(journey.definition)
        guard !runs.isEmpty else { return [] }
        var names: [String] = []
        for step in journey.definition.steps {
            if case .split(let split) = step.action {
                names += split.variants.map(\.name).filter { !names.contains($0) }
            }
        }
        if runs[Split.holdoutName] != nil { names.append(Split.holdoutName) }
        let holdout = journey.tally.variants[Split.holdoutName] ?? VersionTally.VariantTally()
        let holdoutRuns = runs[Split.holdoutName] ?? 0
        let holdoutRate = holdoutRuns > 0 ? Double(holdout.goals) / Double(holdoutRuns) : nil
        return names.map { name in
            let counts = journey.tally.variants[name] ?? VersionTally.VariantTally()
            let variantRuns = runs[name] ?? 0
            let rate = variantRuns > 0 ? Double(counts.goals) / Double(variantRuns) : nil
            var row = VariantRow(name: name, runs: variantRuns, sends: counts.sends, goals: counts.goals, conversionRate: rate)
            if name != Split.holdoutName, let rate, let holdoutRate {
                row.lift = holdoutRate > 0 ? (rate - holdoutRate) / holdoutRate : nil
                row.pValue = Statistics.twoProportionZTest(successes1: counts.goals, trials1: variantRuns, successes2: holdout.goals, trials2: holdoutRuns)?.pValue
            }
            return row
        }
    }

    static func rate(_ count: Int, of total: Int) -> Double? {
        total > 0 ? Double(count) / Double(total) : nil
    }

    /// `summary.json`.
    public func json() -> JSONValue {
        var byJourney: [String: JSONValue] = [:]
        for id in Set(journeys.map(\.definition.id)) {
            let versions = journeys.filter { $0.definition.id == id }
            var versionFields: [String: JSONValue] = [:]
            for journey in versions { versionFields[String(journey.version)] = Self.versionJSON(journey) }
            let first = versions[0]
            byJourney[id] = .object([
                "name": first.definition.name.map(JSONValue.string) ?? .null,
                "pending_timers": .number(Double(first.pendingTimers)),
                "versions": .object(versionFields),
            ])
        }
        let seconds = totals.wallTime
        return .object([
            "journeys": .object(byJourney),
            "start": .string(Timestamp.format(stats.start)),
            "until": .string(Timestamp.format(stats.until)),
            "seed": totals.seed.map { .number(Double($0)) } ?? .null,
            "events_read": number(totals.eventsRead),
            "events_processed": number(stats.eventsProcessed),
            "events_after_until": number(stats.eventsAfterUntil),
            "bad_rows_skipped": number(totals.badRowsSkipped),
            "profiles_read": number(totals.profilesRead),
            "customers": number(stats.customers),
            "actions": number(actions),
            "timers_fired": number(stats.timersFired),
            "schedule_ticks": number(stats.scheduleTicks),
            "pending_timers": number(stats.pendingTimers.values.reduce(0, +)),
            "wall_time_seconds": .number(Statistics.rounded(seconds, digits: 3)),
            "events_per_second": .number(seconds > 0 ? (Double(stats.eventsProcessed) / seconds).rounded() : 0),
        ])
    }

    private func number(_ value: Int) -> JSONValue { .number(Double(value)) }

    private static func optional(_ value: Double?, digits: Int = 6) -> JSONValue {
        value.map { .number(Statistics.rounded($0, digits: digits)) } ?? .null
    }

    private static func counts(_ dictionary: [String: Int]) -> JSONValue {
        .object(dictionary.mapValues { .number(Double($0)) })
    }

    static func versionJSON(_ journey: Journey) -> JSONValue {
        let tally = journey.tally
        var steps: [String: JSONValue] = [:]
        for step in journey.definition.steps {
            var fields: [String: JSONValue] = [
                "action": .string(step.action.keyword),
                "reached": .number(Double(tally.reached[step.id] ?? 0)),
            ]
            if case .waitFor = step.action {
                fields["matched"] = .number(Double(tally.matched[step.id] ?? 0))
                fields["timed_out"] = .number(Double(tally.timedOut[step.id] ?? 0))
            }
            if case .send = step.action { fields["sent"] = .number(Double(tally.sendsByStep[step.id] ?? 0)) }
            steps[step.id] = .object(fields)
        }
        let edges: [JSONValue] = ReportGraph.edgeCounts(journey).map { edge in
            .object([
                "from": .string(edge.from), "to": .string(edge.to ?? "end"), "label": .string(edge.label),
                "taken": .number(Double(edge.count)),
            ])
        }
        var fields: [String: JSONValue] = [
            "customers_entered": .number(Double(tally.customersEntered.count)),
            "runs": .number(Double(tally.runs)),
            "steps": .object(steps),
            "edges": .array(edges),
            "exits": counts(tally.exits),
            "sends": counts(tally.sends),
            "suppressions": counts(tally.suppressions),
            "webhooks": .number(Double(tally.webhooks)),
            "updates": .number(Double(tally.updates)),
            "goals": .number(Double(tally.goals)),
            "conversion_rate": optional(rate(tally.goals, of: tally.runs)),
        ]
        let rows = variantRows(journey)
        if !rows.isEmpty {
            var variants: [String: JSONValue] = [:]
            for row in rows {
                variants[row.name] = .object([
                    "runs": .number(Double(row.runs)),
                    "sends": .number(Double(row.sends)),
                    "goals": .number(Double(row.goals)),
                    "conversion_rate": optional(row.conversionRate),
                    "lift": optional(row.lift),
                    "p_value": row.pValue.map { .number(Statistics.significant($0)) } ?? .null,
                ])
            }
            fields["variants"] = .object(variants)
        }
        return .object(fields)
    }
}
