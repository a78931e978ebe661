import BenchSupport
import Foundation
import JourneyRuntime
import JourneyStorage

/// The store benchmark's workload in-process: commits of `BENCH_COMMIT_BATCH`
/// inputs through `SQLiteShardStore.commit` and through raw GRDB upserts, as a
/// sustained rate, and for profiling and before/after comparisons in CPU time.
///
/// The ordo-one suite (`Benchmarks/Storage`) reports the median commit, which
/// leaves out the slow ones: those that catch up a copy of the write-ahead log,
/// and those that wait for the disk while a copy's pages are written back. An
/// operator's shard pays for those too, so this one reports inputs committed over
/// the whole run, copies included. Both contenders copy their logs the same way
/// (`WALCheckpointer`); the counts are logged. The store and the baseline take
/// turns in rounds, so a change in the machine's load falls on both.
enum StoreBench {
    @concurrent
    static func run() async throws {
        let batch = Report.env("BENCH_COMMIT_BATCH", 256)
        let count = Report.env("BENCH_COMMITS", 400)
        let duration = Double(Report.env("BENCH_SECONDS", 5))
        let rounds = max(1, Report.env("BENCH_STORE_ROUNDS", 4))
        // `BENCH_STORE_PATHS=store` (or `raw`, `full`, `normal`) runs only those, for a profile of one path.
        let paths = Set((ProcessInfo.processInfo.environment["BENCH_STORE_PATHS"] ?? "store raw full normal").split(separator: " ").map(String.init))
        let log = try Workload.generate(count: max(100_000, count * batch / 2), seed: 11)
        let commits = CommitWorkload.make(log: log, catalog: try Workload.catalog(), batchSize: batch, count: count)
        let directory = try Report.scratch("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        for sync in ["full", "normal"] where paths.contains(sync) {
            let store = try SQLiteShardStore(path: directory.appendingPathComponent("store-\(sync).sqlite").path, options: .init(synchronous: sync == "full" ? .full : .normal))
            let raw = try RawUpsertBaseline(path: directory.appendingPathComponent("raw-\(sync).sqlite").path, synchronousFull: sync == "full", commits: commits)
            let contenders: [(name: String, commit: (Int) async throws -> Void)] = [
                ("store", { index in try await store.commit(commits[index % commits.count]) }),
                ("raw", { index in try await raw.commit(index) }),
            ].filter { paths.contains($0.name) }
            var totals = Array(repeating: Totals(), count: contenders.count)
            for _ in 0..<rounds {
                for (index, contender) in contenders.enumerated() {
                    // Untimed: the pages the other contender left dirty are written back before
                    // this turn starts, not during it (the store leaves more of them than raw).
                    flushDirtyPages()
                    try await totals[index].measure(for: duration / Double(rounds), contender.commit)
                }
            }
            for (index, contender) in contenders.enumerated() {
                let rate = totals[index].inputsPerSecond(batch: batch)
                Report.log("\(contender.name) \(sync): \(totals[index].commits) commits, \(Int(rate)) inputs/s, \(String(format: "%.2f", totals[index].cpuMicrosecondsPerInput(batch: batch))) µs CPU per input")
            }
            for (name, counts) in [("store", store.checkpointCounts), ("raw", raw.checkpointCounts)] where paths.contains(name) {
                Report.log("\(name) \(sync) log copies: \(counts.map { "\($0.background) background, \($0.catchUp) catch-up, \($0.forced) forced, \($0.failed) failed" } ?? "none")")
            }
            try store.close()
            try raw.close()
            guard contenders.count == 2 else { continue }
            let (mine, baseline) = (totals[0], totals[1])
            Report.emit(Figure(
                key: "store_sustained_\(sync)",
                what: "store, sustained: inputs committed through SQLiteShardStore.commit over \(Int(duration)) s of back-to-back commits of \(batch) inputs, checkpoints included, synchronous \(sync.uppercased()) (waymark-bench store)",
                value: mine.inputsPerSecond(batch: batch), unit: "inputs/s",
                baseline: baseline.inputsPerSecond(batch: batch),
                baselineWhat: "raw GRDB upserts of the same rows over the same time, taking turns with the store in \(rounds) rounds",
                goal: "≥ 50% of the baseline",
                notes: String(format: "CPU per input: store %.1f µs, raw %.1f µs; %d and %d commits", mine.cpuMicrosecondsPerInput(batch: batch), baseline.cpuMicrosecondsPerInput(batch: batch), mine.commits, baseline.commits)))
        }
    }

    /// Commits, wall time and CPU time of one contender, summed over its rounds.
    struct Totals {
        var commits = 0
        var wall = 0.0
        var cpu = 0.0

        /// Commits back to back for `duration` seconds, numbering on from the last round.
        mutating func measure(for duration: Double, _ commit: (Int) async throws -> Void) async throws {
            let start = ContinuousClock.now
            let cpuStart = cpuSeconds()
            var elapsed = 0.0
            while elapsed < duration {
                try await commit(commits)
                commits += 1
                elapsed = seconds(ContinuousClock.now - start)
            }
            wall += elapsed
            cpu += cpuSeconds() - cpuStart
        }

        func inputsPerSecond(batch: Int) -> Double { wall > 0 ? Double(commits * batch) / wall : 0 }
        func cpuMicrosecondsPerInput(batch: Int) -> Double { commits > 0 ? cpu / Double(commits * batch) * 1e6 : 0 }
    }
}
