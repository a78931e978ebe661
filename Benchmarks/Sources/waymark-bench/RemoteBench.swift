import BenchSupport
import Distributed
import Foundation
import Histogram
import JourneyEngine
import JourneyRuntime
import Logging
import Synchronization
import WaymarkRemoting

/// Node-to-node calls: two actor systems in this process, each with its gRPC server on
/// loopback (plaintext, with the cluster secret, as `cluster.grpc` without TLS). The caller
/// owns no customers; every call goes to the owner over gRPC and back, through the same
/// lanes, routing and error mapping a node uses. Baselines are the same calls made on
/// the owner to its local actors, in the same run.
///
/// - round trips/s: `REMOTE_CALLERS` tasks (64) each calling `snapshot()` on its own customer;
/// - forwarding cost per event: one caller, one call at a time, each carrying an event-sized
///   argument (about 220 bytes of JSON) to its actor: µs per call, remote and local.
enum RemoteBench {
    @concurrent
    static func run() async throws {
        let seconds = Double(Report.env("REMOTE_SECONDS", 5))
        let callers = Report.env("REMOTE_CALLERS", 64)
        var logger = Logger(label: "remote-bench")
        logger.logLevel = .error
        let shardCount = 8
        let settings = RemotingSettings(host: "127.0.0.1", port: 0, secret: "bench-secret", callTimeout: .seconds(30))
        let ownerHost = BenchHost(shardCount: shardCount, owns: true)
        let ownerRouting = FixedPeerRouting(shardCount: shardCount)
        let ownerTransport = GRPCRemoteCallTransport(routing: ownerRouting, settings: settings, caller: "owner", metrics: RemoteCallMetrics(), logger: logger)
        let owner = WaymarkActorSystem(transport: ownerTransport, host: ownerHost)
        ownerHost.system.withLock { $0 = owner }
        let ownerService = RemotingService(settings: settings, actorSystem: owner, transport: ownerTransport, queries: EchoQueries(), logger: logger)

        let callerRouting = FixedPeerRouting(shardCount: shardCount)
        let callerMetrics = RemoteCallMetrics()
        let callerTransport = GRPCRemoteCallTransport(routing: callerRouting, settings: settings, caller: "caller", metrics: callerMetrics, logger: logger)
        let caller = WaymarkActorSystem(transport: callerTransport, host: BenchHost(shardCount: shardCount, owns: false))
        let callerService = RemotingService(settings: settings, actorSystem: caller, transport: callerTransport, queries: nil, logger: logger)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await ownerService.run() }
            group.addTask { try await callerService.run() }
            guard let address = await ownerService.listening() else { throw BenchError("the owner did not listen") }
            for shard in 0..<shardCount { callerRouting.assign(shard: shard, to: address) }
            await callerRouting.refresh()

            let ids = (0..<callers).map { CustomerActorID(customerID: "bench-\($0)") }
            for id in ids { _ = try await ownerHost.activate(id) }
            let remote = try ids.map { try CustomerActor.resolve(id: $0, using: caller) }
            let local = try ids.map { try CustomerActor.resolve(id: $0, using: owner) }
            _ = try await throughput(remote, seconds: 1)  // warm the connection
            let remoteRate = try await throughput(remote, seconds: seconds)
            let localRate = try await throughput(local, seconds: seconds)
            Report.log("round trips: remote \(Int(remoteRate))/s, local \(Int(localRate))/s with \(callers) callers")

            _ = try await ownerHost.activate(CustomerActorID(customerID: "sink-1"))
            let sink = try BenchSink.resolve(id: CustomerActorID(customerID: "sink-1"), using: caller)
            let localSink = try BenchSink.resolve(id: CustomerActorID(customerID: "sink-1"), using: owner)
            _ = try await sequential(sink, count: 2_000)
            let remoteCost = try await sequential(sink, count: Int(seconds * 4_000))
            let localCost = try await sequential(localSink, count: Int(seconds * 200_000))
            Report.log("per event: remote p50 \(remoteCost.p50) µs, p99 \(remoteCost.p99) µs; local p50 \(localCost.p50) µs")
            // The same bytes through the same gRPC service and connection, without actors,
            // envelope, lanes or routing: how much of the cost is gRPC's own.
            let echoCost = try await echo(callerTransport, at: address, count: Int(seconds * 2_000))
            Report.log("gRPC alone (Query echo): mean \(Int(echoCost.mean)) µs, p50 \(echoCost.p50) µs")
            let errors = callerMetrics.counts.errors.values.reduce(0, +)
            let argumentBytes = try JSONEncoder().encode(BenchEvent.sample).count

            Report.emit(Figure(
                key: "remote_round_trips", what: "node-to-node: CustomerActor.snapshot() round trips over loopback gRPC (plaintext + cluster secret), \(callers) callers on distinct customers, one process",
                value: remoteRate, unit: "calls/s", baseline: localRate, baselineWhat: "the same calls on the owner's local actors",
                notes: "\(errors) errors"))
            Report.emit(Figure(
                key: "remote_forward_cost", what: "node-to-node: forwarding one event-sized call (a \(argumentBytes) B argument as JSON) to its actor's owner over loopback gRPC, one caller, one call at a time (mean wall time per call)",
                value: remoteCost.mean, unit: "µs/call", baseline: localCost.mean, baselineWhat: "the same call on the local actor",
                notes: "remote p50 \(remoteCost.p50) µs, p99 \(remoteCost.p99) µs; CPU \(String(format: "%.1f", remoteCost.cpu)) µs per remote call (both ends, one process); "
                    + "the same bytes echoed through the same gRPC service without the actor system: mean \(Int(echoCost.mean)) µs, p50 \(echoCost.p50) µs"))
            group.cancelAll()
        }
    }

    /// Calls per second with one task per actor, each calling its own actor in a loop.
    static func throughput(_ actors: [CustomerActor], seconds: Double) async throws -> Double {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for actor in actors {
                group.addTask {
                    var calls = 0
                    while ContinuousClock.now < deadline {
                        _ = try await actor.snapshot()
                        calls += 1
                    }
                    return calls
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / BenchSupport.seconds(ContinuousClock.now - start)
    }

    struct Cost {
        var mean: Double
        var p50: Double
        var p99: Double
        var cpu: Double
    }

    /// Wall time per call, one call at a time, each with an event-sized argument. The mean and
    /// the CPU come from a first half of bare calls; the percentiles from a second half, each
    /// call timed. Timing every call (two clock reads and a histogram record) costs tens of
    /// nanoseconds, a good part of a local call, so it stays out of the mean.
    static func sequential(_ sink: BenchSink, count: Int) async throws -> Cost {
        let event = BenchEvent.sample
        let bare = max(1, count / 2)
        let cpuStart = cpuSeconds()
        let start = ContinuousClock.now
        for _ in 0..<bare { _ = try await sink.accept(event) }
        let wall = BenchSupport.seconds(ContinuousClock.now - start)
        let cpu = (cpuSeconds() - cpuStart) / Double(bare) * 1e6
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        for _ in 0..<max(1, count - bare) {
            let callStart = ContinuousClock.now
            _ = try await sink.accept(event)
            _ = histogram.record(microseconds(ContinuousClock.now - callStart))
        }
        return Cost(
            mean: wall / Double(bare) * 1e6, p50: Double(histogram.valueAtPercentile(50)), p99: Double(histogram.valueAtPercentile(99)), cpu: cpu)
    }

    /// Whole microseconds, at least 1 (what the histograms record), from one reading of a duration.
    static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(1, seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }
}

extension RemoteBench {
    /// Wall time per `Query` round trip whose answer is its own payload (the event's JSON).
    static func echo(_ transport: GRPCRemoteCallTransport, at peer: PeerAddress, count: Int) async throws -> Cost {
        let query = NodeQuery(name: "echo", payload: try JSONEncoder().encode(BenchEvent.sample))
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        let cpuStart = cpuSeconds()
        let start = ContinuousClock.now
        for _ in 0..<count {
            let callStart = ContinuousClock.now
            _ = try await transport.query(query, at: peer)
            _ = histogram.record(microseconds(ContinuousClock.now - callStart))
        }
        let wall = BenchSupport.seconds(ContinuousClock.now - start)
        return Cost(
            mean: wall / Double(count) * 1e6, p50: Double(histogram.valueAtPercentile(50)), p99: Double(histogram.valueAtPercentile(99)),
            cpu: (cpuSeconds() - cpuStart) / Double(count) * 1e6)
    }
}

/// Answers every query with its own payload.
struct EchoQueries: NodeQueryHandler {
    func answer(_ query: NodeQuery) async throws -> Data { query.payload }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
