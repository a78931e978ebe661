import BenchSupport
import Foundation
import Histogram
import Synchronization

/// A real node (`waymark serve`, the release binary in `WAYMARK_BIN`) on
/// loopback with durable acknowledgement (synchronous FULL), one journey that
/// calls a webhook for every event, and a sink for those calls in this process.
///
/// 1. Baseline: wrk on `GET /health` (what the HTTP stack alone answers here).
/// 2. Maximum ingest: wrk POSTing batches of 100, then of 1, to `/v1/events`
///    for `NODE_SECONDS` each (events no journey takes in, so the node accepts,
///    applies and commits them but sends nothing); 202s only count.
/// 3. Maximum end to end: `NODE_E2E_EVENTS` pings (each one webhook call) sent
///    as fast as accepted, timed until the sink has every call.
/// 4. Latency: an open-loop client sends batches of 100 pings at half of that
///    end-to-end rate; every event carries its intended send time, and the
///    sink records send → delivery in an HdrHistogram (intended time, so a
///    stalled client cannot hide a stall).
enum NodeBench {
    static let journey = """
        journey: bench-ping
        name: Benchmark ping
        description: Every ping calls the benchmark's webhook sink once.
        entry:
          event: bench_ping
          reentry: after_exit
        steps:
          - id: call
            webhook:
              url: "http://127.0.0.1:SINK/sink"
              body:
                t: "{{event.t}}"
        """

    static let lua = """
        local batch = tonumber(os.getenv("BATCH") or "100")
        local name = os.getenv("EVENT") or "bench_load"
        local counter = 0
        local threads = 0
        setup = function(thread) thread:set("tid", threads); threads = threads + 1 end
        request = function()
          local parts = {}
          for i = 1, batch do
            counter = counter + 1
            parts[i] = string.format('{"customer_id":"w%d-%d","event":"%s","properties":{"t":"0"}}', tid, counter % 100000, name)
          end
          return wrk.format("POST", "/v1/events", {["Content-Type"] = "application/json"}, '{"batch":[' .. table.concat(parts, ",") .. ']}')
        end
        """

    struct WrkResult {
        var requestsPerSecond: Double
        var requests: Int
        var failed: Int
        var seconds: Double
    }

    /// The node's events accepted and inputs applied so far (from `/metrics`).
    static func counters(port: Int) throws -> (accepted: Int, processed: Int) {
        guard let connection = try? Connection(port: port), let text = connection.get("/metrics") else { throw BenchFailure("GET /metrics failed") }
        func value(_ name: String) -> Int { metric(name, in: text).flatMap(Double.init).map { Int($0) } ?? 0 }
        return (value("waymark_events_accepted_total"), value("waymark_inputs_processed_total"))
    }

    /// The value of an unlabelled series in a Prometheus text page, as written.
    static func metric(_ name: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map { String($0.split(separator: " ").last ?? "") }
    }

    static func wrk(_ arguments: [String], batch: Int? = nil) throws -> WrkResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["WRK"] ?? "/usr/bin/wrk")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let batch { environment["BATCH"] = "\(batch)" }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        let start = ContinuousClock.now
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let elapsed = seconds(ContinuousClock.now - start)
        Report.log("wrk \(arguments.joined(separator: " ")):\n" + output)
        func number(after label: String) -> Double? {
            guard let range = output.range(of: label) else { return nil }
            return Double(output[range.upperBound...].prefix { !$0.isNewline }.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        // "1506800 requests in 15.10s, 130.21MB read": the count, and the time wrk measured its run
        // over (the rate must be divided by that, as its Requests/sec is, not by the process's
        // lifetime, which adds starting, connecting and exiting: about 1% of a 15 s run).
        let summary = output.split(separator: "\n").first { $0.contains("requests in") }?
            .trimmingCharacters(in: .whitespaces).split(separator: " ") ?? []
        let requests = summary.first.flatMap { Int($0) } ?? 0
        let measured = summary.count > 3 ? wrkDuration(String(summary[3].dropLast(summary[3].hasSuffix(",") ? 1 : 0))) : nil
        let failed = Int(number(after: "Non-2xx or 3xx responses:") ?? 0)
        guard let rps = number(after: "Requests/sec:") else { throw BenchFailure("wrk printed no Requests/sec") }
        return WrkResult(requestsPerSecond: rps, requests: requests, failed: failed, seconds: measured ?? elapsed)
    }

    /// A duration as wrk prints it: `15.10s`, `950.00ms`, `1.00m`, `2.00h`, `800.00us`.
    static func wrkDuration(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }

    /// Waits until the sink has seen `target` deliveries, or none came for `quiet` seconds, or `limit`
    /// passed; returns the seconds until the last delivery seen.
    static func drain(_ sink: Sink, until target: Int, quiet: Double = 20, limit: Double = 300) async throws -> Double {
        let start = ContinuousClock.now
        var last = sink.delivered
        var lastChange = ContinuousClock.now
        while seconds(ContinuousClock.now - start) < limit, last < target {
            try await Task.sleep(for: .milliseconds(20))
            let now = sink.delivered
            if now != last {
                last = now
                lastChange = ContinuousClock.now
            } else if seconds(ContinuousClock.now - lastChange) >= quiet {
                break
            }
        }
        return seconds(lastChange - start)
    }

    /// Sends `count` events in batches of 100 over `senders` connections as fast as they are accepted.
    static func burst(port: Int, count: Int, senders: Int, name: String) async -> Int {
        let sent = SentCounter()
        await onThreads(senders) { sender in
            guard let connection = try? Connection(port: port) else { return }
            var k = sender
            while k * 100 < count {
                let parts = (0..<100).map { #"{"customer_id":"b\#(sender)-\#((k * 100 + $0) % 100000)","event":"\#(name)","properties":{"t":"0"}}"# }
                let body = Array(#"{"batch":[\#(parts.joined(separator: ","))]}"#.utf8)
                if connection.request("POST", "/v1/events", body: body) == 202 { sent.count.withLock { $0 += 100 } }
                k += senders
            }
        }
        return sent.count.withLock { $0 }
    }

    @concurrent
    static func run() async throws {
        guard let binary = ProcessInfo.processInfo.environment["WAYMARK_BIN"] else { throw BenchFailure("set WAYMARK_BIN to a release build of waymark") }
        let duration = Report.env("NODE_SECONDS", 15)
        let connections = Report.env("NODE_CONNECTIONS", 32)
        let directory = try Report.scratch("node")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = try Sink()
        let journeys = directory.appendingPathComponent("journeys")
        try FileManager.default.createDirectory(at: journeys.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try journey.replacingOccurrences(of: "SINK", with: "\(sink.port)").write(to: journeys.appendingPathComponent("bench-ping.yaml"), atomically: true, encoding: .utf8)
        let script = directory.appendingPathComponent("post.lua")
        try lua.write(to: script, atomically: true, encoding: .utf8)
        let port = try Loopback.freePort()
        let config = directory.appendingPathComponent("waymark.yaml")
        try """
            host: 127.0.0.1
            port: \(port)
            data: \(directory.appendingPathComponent("data").path)
            journeys: \(journeys.path)
            durability: full
            limits: { max_batch: 1000 }
            \(ProcessInfo.processInfo.environment["NODE_EXTRA_CONFIG"] ?? "")
            """.write(to: config, atomically: true, encoding: .utf8)

        let node = Process()
        node.executableURL = URL(fileURLWithPath: binary)
        node.arguments = ["serve", "--config", config.path, "--log-level", ProcessInfo.processInfo.environment["NODE_LOG_LEVEL"] ?? "error"]
        try node.run()
        defer { if node.isRunning { node.terminate(); node.waitUntilExit() } }
        let url = "http://127.0.0.1:\(port)"
        let readyBy = ContinuousClock.now + .seconds(120)
        while true {
            if let connection = try? Connection(port: port), connection.request("GET", "/ready") == 200 { break }
            guard ContinuousClock.now < readyBy, node.isRunning else { throw BenchFailure("the node did not become ready") }
            try await Task.sleep(for: .milliseconds(100))
        }
        Report.log("node ready on \(url), sink on 127.0.0.1:\(sink.port)")

        let health = try wrk(["-t2", "-c\(connections)", "-d\(duration)s", "\(url)/health"])
        var ingest: [Int: (events: Double, failed: Int, applied: String)] = [:]
        // NODE_SKIP_INGEST=1 leaves the ingest runs out (to look at delivery on a fresh node).
        for batch in ProcessInfo.processInfo.environment["NODE_SKIP_INGEST"] == "1" ? [] : [100, 1] {
            let before = try counters(port: port)
            let result = try wrk(["-t2", "-c\(connections)", "-d\(duration)s", "-s", script.path, "\(url)/v1/events"], batch: batch)
            let events = Double(result.requests - result.failed) * Double(batch) / result.seconds
            // Accepted is not applied: say how far applying was behind when wrk stopped, and how long it took to catch up.
            let stopped = try counters(port: port)
            let catchUpStart = ContinuousClock.now
            var now = stopped
            while now.processed - before.processed < stopped.accepted - before.accepted, seconds(ContinuousClock.now - catchUpStart) < 600 {
                try await Task.sleep(for: .milliseconds(20))
                now = try counters(port: port)
            }
            let accepted = stopped.accepted - before.accepted
            let applied = "\(stopped.processed - before.processed) of \(accepted) accepted events applied when wrk stopped, all \(String(format: "%.2f", seconds(ContinuousClock.now - catchUpStart))) s later"
            Report.log("batch \(batch): \(Int(events)) events/s accepted; \(applied)")
            ingest[batch] = (events, result.failed, applied)
        }
        // Let the node apply what it accepted before the end-to-end phases: pings on every shard
        // must come back within a second.
        let settleStart = ContinuousClock.now
        while seconds(ContinuousClock.now - settleStart) < 600 {
            let mark = sink.delivered
            let probeStart = ContinuousClock.now
            let probes = await burst(port: port, count: 200, senders: 2, name: "bench_ping")
            _ = try await drain(sink, until: mark + probes, limit: 300)
            if seconds(ContinuousClock.now - probeStart) < 1 { break }
        }
        Report.log("settled \(seconds(ContinuousClock.now - settleStart)) s after the ingest runs")

        // Maximum end to end: a burst of pings, until the sink has every call.
        let pings = Report.env("NODE_E2E_EVENTS", 20_000)
        let before = sink.delivered
        let burstStart = ContinuousClock.now
        let cpuBeforeBurst = cpuSeconds(ofProcess: node.processIdentifier)
        let accepted = await burst(port: port, count: pings, senders: 8, name: "bench_ping")
        let acceptedIn = seconds(ContinuousClock.now - burstStart)
        // Until the last call arrived: if some never do, `drain` gives up after a quiet spell,
        // which must not count as delivering.
        let drainStart = ContinuousClock.now
        let lastDelivery = try await drain(sink, until: before + accepted)
        let burstSeconds = seconds(drainStart - burstStart) + lastDelivery
        let deliveredBurst = sink.delivered - before
        let endToEnd = Double(deliveredBurst) / burstSeconds
        // The node's own CPU per delivered event: steadier than the rate on a shared machine, and
        // what decides how far apart a batch's deliveries land (most of the latency below).
        var cpuNote = ""
        if let cpuBeforeBurst, let cpuAfter = cpuSeconds(ofProcess: node.processIdentifier), deliveredBurst > 0 {
            cpuNote = "; the node used \(Int((cpuAfter - cpuBeforeBurst) / Double(deliveredBurst) * 1e6)) µs of CPU per delivered event"
        }
        Report.log("end to end: \(accepted) pings accepted in \(acceptedIn) s, \(deliveredBurst) delivered in \(burstSeconds) s: \(Int(endToEnd)) events/s\(cpuNote)")

        // Latency at half of the sustained end-to-end rate.
        let rate = max(100, endToEnd / 2)
        let senders = 4
        let batch = 100
        // Batch n counts across all senders (sender s sends n = k * senders + s), so batches are
        // `batch / rate` apart, not `senders` times that: the total must come to `rate`.
        let interval = Double(batch) / rate
        sink.state.withLock { $0.recording = true; $0.arrivals = [] }
        let beforeLatency = sink.delivered
        // NODE_TRACE=1: every 250 ms, what the node accepted and applied (from /metrics) beside what the sink got.
        let tracing = ProcessInfo.processInfo.environment["NODE_TRACE"] == "1"
        let traceTask = Task.detached {
            guard tracing, let connection = try? Connection(port: port) else { return }
            while !Task.isCancelled {
                let text = connection.get("/metrics") ?? ""
                let pick = { (name: String) -> String in metric(name, in: text) ?? "?" }
                Report.log("trace: accepted \(pick("waymark_events_accepted_total")) processed \(pick("waymark_inputs_processed_total")) backlog \(pick("waymark_outbox_backlog")) delivered \(sink.delivered)")
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        defer { traceTask.cancel() }
        let start = Loopback.nowNanoseconds() + 100_000_000
        let end = start + UInt64(duration) * 1_000_000_000
        let sent = SentCounter()
        await onThreads(senders) { sender in
            guard let connection = try? Connection(port: port) else { return }
            var k = 0
            while true {
                let due = start + UInt64((Double(k * senders + sender) * interval) * 1e9)
                if due >= end { break }
                let now = Loopback.nowNanoseconds()
                if due > now { usleep(UInt32((due - now) / 1000)) }
                var parts: [String] = []
                for i in 0..<batch { parts.append(#"{"customer_id":"l\#(sender)-\#((k * batch + i) % 100000)","event":"bench_ping","properties":{"t":"\#(due)"}}"#) }
                let body = Array(#"{"batch":[\#(parts.joined(separator: ","))]}"#.utf8)
                let posted = Loopback.nowNanoseconds()
                if connection.request("POST", "/v1/events", body: body) == 202 { sent.count.withLock { $0 += batch } }
                let answeredAt = Loopback.nowNanoseconds()
                sent.answered.withLock { $0[due] = answeredAt }
                let answered = answeredAt - posted
                sent.slowest.withLock { $0 = max($0, answered) }
                if answered > 1_000_000_000 { sent.slowAnswers.withLock { $0 += 1 } }
                k += 1
            }
        }
        let sentCount = sent.count.withLock { $0 }
        _ = try await drain(sink, until: beforeLatency + sentCount, limit: 120)
        let arrivals = sink.state.withLock { state in
            state.recording = false
            return state.arrivals
        }
        let latencies = arrivals.map { $0.arrived - $0.sent }
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for latency in latencies { _ = histogram.record(max(1, latency / 1000)) }
        func ms(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
        let slowest = Double(sent.slowest.withLock { $0 }) / 1e6
        let slowAnswers = sent.slowAnswers.withLock { $0 }
        Report.log("latency phase: slowest POST answered in \(slowest) ms; \(slowAnswers) POSTs took over 1 s")
        // What the client really offered, beside the rate it aimed at: the check that caught the spacing above.
        let offered = Double(sentCount) / Double(duration)
        let tail = TailWindows(arrivals, answered: sent.answered.withLock { $0 })
        Report.log("latency tail: \(tail.summary)")
        Report.log("latency: \(latencies.count) of \(sentCount) sent at \(Int(rate)) events/s (offered \(Int(offered))) delivered; p50 \(ms(50)) ms p99 \(ms(99)) ms p99.9 \(ms(99.9)) ms")
        // The node's own view of the tail: its inbox append and commit duration histograms.
        if tracing, let connection = try? Connection(port: port), let text = connection.get("/metrics") {
            for line in text.split(separator: "\n") where line.contains("duration_seconds") && !line.hasPrefix("#") { Report.log("trace: \(line)") }
        }
        // NODE_ARRIVALS=path: every recorded delivery as `intended send ns,arrival ns`, to find when the tail happened.
        if let path = ProcessInfo.processInfo.environment["NODE_ARRIVALS"] {
            try arrivals.map { "\($0.sent),\($0.arrived)\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
        }
        // The poller stops before the node does, so it does not talk to a closed port.
        traceTask.cancel()
        node.terminate()
        node.waitUntilExit()

        let healthWhat = "wrk GET /health on the same node, requests/s (the HTTP stack alone)"
        for batch in ingest.keys.sorted().reversed() {
            Report.emit(Figure(
                key: "node_ingest_batch\(batch)", what: "node: events accepted through POST /v1/events in batches of \(batch), durable acknowledgement (synchronous FULL), wrk \(connections) connections on loopback",
                value: ingest[batch]!.events, unit: "events/s", baseline: health.requestsPerSecond, baselineWhat: healthWhat,
                goal: batch == 100 ? "≥ 50,000 events/s" : nil,
                notes: "\(ingest[batch]!.failed) non-2xx; \(ingest[batch]!.applied)"))
        }
        Report.emit(Figure(
            key: "node_end_to_end", what: "node, end to end: \(accepted / 1000)k events in batches of 100, each calling a webhook at a local sink, from the first POST until the sink has every call",
            value: endToEnd, unit: "events/s", baseline: ingest[100]?.events, baselineWhat: "the same node's batched ingest (above)",
            notes: "accepted in \(String(format: "%.1f", acceptedIn)) s, delivered in \(String(format: "%.1f", burstSeconds)) s\(cpuNote)"))
        for (percentile, label) in [(50.0, "p50"), (99.0, "p99"), (99.9, "p999")] {
            Report.emit(Figure(
                key: "node_latency_\(label)", what: "node: event sent → webhook delivery at the sink (from the batch's intended send time, so the POST and its durable acceptance count too), \(label), at half the end-to-end rate (\(Int(rate)) events/s in batches of 100, open loop, HdrHistogram)",
                value: ms(percentile), unit: "ms", goal: label == "p99" ? "< 50 ms" : nil,
                notes: "\(latencies.count) of \(sentCount) events (\(Int(offered)) events/s offered) delivered within the run and its drain; slowest POST answered in \(Int(slowest)) ms, \(slowAnswers) POSTs over 1 s; \(tail.summary)"))
        }
    }
}

final class SentCounter: Sendable {
    let count = Mutex(0)
    /// The slowest answer to a POST, in nanoseconds, and how many took over a second.
    let slowest = Mutex<UInt64>(0)
    let slowAnswers = Mutex(0)
    /// When each batch's POST was answered, by the batch's intended send time (nanoseconds).
    let answered = Mutex<[UInt64: UInt64]>([:])
}

/// Runs `body(0..<count)` each on a thread of its own and returns when all have.
///
/// Load senders block in `usleep` and in socket calls: on the cooperative pool (as many
/// threads as cores, two here) four of them ran two at a time and the other two sent
/// their whole schedule late at the end, which showed up as a latency tail as long as
/// the run. The sink already runs on threads of its own for the same reason.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    let running = Countdown(count)
    await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
        for index in 0..<count {
            Thread.detachNewThread {
                body(index)
                if running.finishOne() { finished.resume() }
            }
        }
    }
}

/// Counts down; the call that reaches zero is told so.
final class Countdown: Sendable {
    private let remaining: Mutex<Int>

    init(_ count: Int) { remaining = Mutex(count) }

    func finishOne() -> Bool { remaining.withLock { $0 -= 1; return $0 == 0 } }
}
