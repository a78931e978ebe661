import Foundation
import Hummingbird
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging
import WaymarkCluster

/// The HTTP API of a node: `/v1` for ingest, customers and journeys (behind
/// auth), and `/health`, `/ready`, `/metrics` for operations.
///
/// Handlers stay thin: they parse and check the request, call the engine, and
/// shape its answer as JSON. Meaning lives in the engine and the interpreter.
struct NodeAPI: Sendable {
    let engine: JourneyEngine
    let stores: [any ShardStore]
    let stats: JourneyStats
    let metrics: NodeMetrics
    let clock: any JourneyClock
    let body: RequestBodyReader
    let payload: IngestPayload
    /// What `POST /v1/journeys` validates against: this node's channels and templates.
    let validator: JourneyValidator
    let logger: Logger
    /// Where accepted inputs go; nil: the engine's own shards (a single node). A cluster node's shared inbox.
    var inputSink: (any InputSink)? = nil
    /// Whether the node is ready; nil: when the engine's shards recovered.
    var readiness: (@Sendable () async -> Bool)? = nil
    /// Where a cluster node deploys and undeploys: the cluster's journeys table, which every
    /// node follows; nil: this node's engine only (a single node).
    var clusterJourneys: ClusterJourneySync? = nil
    /// What `GET /v1/cluster` shows; nil: a single node, which answers `not_a_cluster_member`.
    var clusterStatus: ClusterStatusReader? = nil
    /// A customer as their owner's actor answers, wherever it lives (a cluster node with
    /// node-to-node calls); nil: read from this node's own shards.
    var customerLookup: (@Sendable (String) async throws -> CustomerLookup?)? = nil
    /// A journey's counts summed over every live node of the cluster; nil: this node's own.
    var clusterCounts: (@Sendable (String) async throws -> ClusterJourneyCounts)? = nil

    func register(on router: Router<BasicRequestContext>, auth: NodeConfiguration.Auth) {
        router.add(middleware: ErrorMiddleware(logger: logger, rejected: { [metrics] request, code in
            metrics.requestRejected(code: code)
            if request.method == .post, request.routePath == "/v1/events" { metrics.eventsRejected(1, code: code) }
        }))
        router.get("health") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("ready") { _, _ in try await ready() }
        router.get("metrics") { _, _ in await metricsText() }
        let v1 = router.group("v1").add(middleware: AuthMiddleware(auth: auth))
        v1.post("events") { request, _ in
            try await requireJoined()
            return try await ingestEvents(request)
        }
        v1.post("profiles") { request, _ in
            try await requireJoined()
            return try await ingestProfiles(request)
        }
        v1.get("customers/:id") { _, context in try await customer(pathID(context)) }
        v1.get("journeys") { _, _ in await journeys() }
        v1.post("journeys") { request, _ in
            try await requireJoined()
            return try await deployJourney(request)
        }
        v1.delete("journeys/:id") { request, context in
            try await requireJoined()
            return try await undeployJourney(pathID(context), exitRuns: try exitRuns(request))
        }
        v1.get("journeys/:id/stats") { _, context in try await journeyStats(pathID(context)) }
        v1.get("cluster") { _, _ in try await cluster() }
    }

    /// A cluster node takes writes once it has joined: before, the cluster's tables may not exist
    /// yet (a new database) and a write failed as a 500, or hung while the database was unreachable.
    func requireJoined() async throws {
        guard let readiness, !(await readiness()) else { return }
        throw APIError.notReady
    }

    func ready() async throws -> Response {
        let isReady = if let readiness { await readiness() } else { await engine.isReady }
        guard isReady else {
            return JSONResponse.make(["status": "starting"], status: .serviceUnavailable)
        }
        return JSONResponse.make(["status": "ready"])
    }

    func metricsText() async -> Response {
        await metrics.collect(engine: engine, stores: stores, now: clock.now())
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }

    /// The `{id}` of the path, percent-decoded: customer ids may hold spaces, slashes or any Unicode.
    func pathID(_ context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        return raw.removingPercentEncoding ?? raw
    }

    /// `?exit_runs=true|false` (absent: false).
    func exitRuns(_ request: Request) throws -> Bool {
        switch request.uri.queryParameters.get("exit_runs") {
        case nil, "false", "0": return false
        case "true", "1", "": return true
        case let other?: throw APIError.badRequest("invalid_query", "`exit_runs` must be true or false, not `\(other)`", field: "exit_runs")
        }
    }
}
