import Foundation
import Hummingbird
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyYAML

extension NodeAPI {
    /// `GET /v1/journeys`: every journey this node knows, newest version first in `versions`.
    func journeys() async -> Response {
        let versions = await engine.journeyVersions
        let grouped = Dictionary(grouping: versions, by: \.journeyID)
        let list: [JSONValue] = grouped.keys.sorted().map { id in
            let all = grouped[id]!.sorted { $0.version > $1.version }
            let latest = all[0]
            return .object([
                "id": .string(id),
                "name": .optional(latest.definition.name),
                "active": .bool(latest.active),
                "version": .int(latest.version),
                "deployed_at": .time(latest.deployedAt),
                "versions": .array(all.map { .object(["version": .int($0.version), "deployed_at": .time($0.deployedAt), "active": .bool($0.active)]) }),
            ])
        }
        return JSONResponse.make(["journeys": .array(list)])
    }

    /// `POST /v1/journeys`: a journey file as the body. Validated exactly as `waymark validate`
    /// would (with this node's channels and templates); 422 with every diagnostic if it has errors.
    func deployJourney(_ request: Request) async throws -> Response {
        let text = try await body.text(of: request)
        let file = request.uri.queryParameters.get("file").flatMap { $0.isEmpty ? nil : $0 } ?? "request.yaml"
        let parsed = JourneyFileParser.parse(text: text, file: file)
        var diagnostics = parsed.diagnostics
        if let definition = parsed.definition {
            diagnostics += validator.validate(definition, sourceMap: parsed.sourceMap)
        }
        diagnostics.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let definition = parsed.definition else {
            let first = errors.first
            throw APIError(
                .unprocessableContent, "invalid_journey",
                "the journey has \(errors.count) error\(errors.count == 1 ? "" : "s")" + (first.map { "; first: \($0.message)" } ?? ""),
                field: "body", details: ["diagnostics": .array(diagnostics.map(Self.json))])
        }
        let outcome = if let clusterJourneys {
            try await clusterJourneys.deploy(definition, source: text, at: clock.now())
        } else {
            try await engine.deploy([definition])[0]
        }
        logger.info("journey deployed over HTTP", metadata: ["journey.id": "\(outcome.journeyID)", "journey.version": "\(outcome.version)", "change": "\(outcome.change.rawValue)"])
        return JSONResponse.make(
            [
                "journey": .string(outcome.journeyID), "version": .int(outcome.version), "change": .string(outcome.change.rawValue),
                "diagnostics": .array(diagnostics.map(Self.json)),
            ], status: outcome.change == .deployed ? .created : .ok)
    }

    /// `DELETE /v1/journeys/{id}`: no new entries; with `exit_runs=true` its runs end now.
    func undeployJourney(_ id: String, exitRuns: Bool) async throws -> Response {
        if let clusterJourneys {
            // Ending every run at once is an input to every customer of every shard, which only the
            // shards' owners apply: it goes to every shard's inbox as a marker (docs/cluster.md).
            guard !exitRuns || clusterJourneys.canExitRuns else {
                throw APIError(.notImplemented, "not_supported_in_cluster", "exit_runs=true is not supported on this node; undeploy without it and the runs finish", field: "exit_runs")
            }
            guard try await clusterJourneys.undeploy(id, exitRunsAt: exitRuns ? clock.now() : nil) else {
                throw APIError.notFound("unknown_journey", "no deployed journey `\(id)` in the cluster", field: "id")
            }
            return JSONResponse.make(["journey": .string(id), "undeployed": true, "exit_runs": .bool(exitRuns)])
        }
        do {
            try await engine.undeploy(id, exitRuns: exitRuns)
        } catch let error as EngineError where error.code == .unknownJourney {
            throw APIError.notFound("unknown_journey", "no deployed journey `\(id)`", field: "id")
        }
        return JSONResponse.make(["journey": .string(id), "undeployed": true, "exit_runs": .bool(exitRuns)])
    }

    /// `GET /v1/journeys/{id}/stats`: live counts since this node started.
    func journeyStats(_ id: String) async throws -> Response {
        let versions = await engine.journeyVersions.filter { $0.journeyID == id }
        guard let latest = versions.max(by: { $0.version < $1.version }) else {
            throw APIError.notFound("unknown_journey", "no journey `\(id)` on this node", field: "id")
        }
        var counts = await stats.counts(of: id)
        var cluster: [String: JSONValue] = [:]
        if let clusterCounts {
            let gathered = try await clusterCounts(id)
            counts = gathered.counts
            cluster = ["nodes": .int(gathered.answered), "nodes_failed": .array(gathered.failed.map(JSONValue.string))]
        }
        // Every step of the latest version is listed, reached or not, in the order written.
        var stepIDs = latest.definition.steps.map(\.id)
        stepIDs += counts.steps.keys.sorted().filter { !stepIDs.contains($0) }
        let steps: [JSONValue] = stepIDs.map { step in
            let count = counts.steps[step] ?? JourneyStats.StepCounts()
            return .object([
                "step": .string(step), "reached": .int(count.reached), "matched": .int(count.matched),
                "timed_out": .int(count.timedOut), "sends": .int(count.sends), "suppressed": .int(count.suppressed),
            ])
        }
        let variants: [JSONValue] = counts.variants.keys.sorted().map { name in
            let count = counts.variants[name]!
            return .object(["variant": .string(name), "runs": .int(count.runs), "sends": .int(count.sends), "goals": .int(count.goals)])
        }
        var body: [String: JSONValue] = [
            "journey": .string(id), "version": .int(latest.version), "active": .bool(latest.active),
            "entered": .int(counts.entered), "sends": .int(counts.sends), "suppressed": .int(counts.suppressed), "goals": .int(counts.goals),
            "exited": .object(counts.exited.mapValues { .int($0) }),
            "steps": .array(steps), "variants": .array(variants),
        ]
        body.merge(cluster) { _, new in new }
        return JSONResponse.make(.object(body))
    }

    static func json(_ diagnostic: Diagnostic) -> JSONValue {
        .object([
            "file": .string(diagnostic.location.file), "line": .int(diagnostic.location.line), "column": .int(diagnostic.location.column),
            "severity": .string(diagnostic.severity.rawValue), "code": .string(diagnostic.code), "message": .string(diagnostic.message),
            "hint": .optional(diagnostic.hint),
        ])
    }
}
