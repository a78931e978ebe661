import BenchSupport
import Foundation
import JourneyRuntime
import JourneyStorage

/// The store benchmark's workload in-process, for profiling and for
/// before/after comparisons in CPU time: commits of `BENCH_COMMIT_BATCH`
/// inputs through `SQLiteShardStore.commit` and through raw GRDB upserts.
enum StoreBench {
    @concurrent
    static func run() async throws {
        let batch = Report.env("BENCH_COMMIT_BATCH", 256)
        let count = Report.env("BENCH_COMMITS", 400)
        let duration = Double(Report.env("BENCH_SECONDS", 5))
        let log = try Workload.generate(count: max(100_000, count * batch / 2), seed: 11)
        let commits = CommitWorkload.make(log: log, catalog: try Workload.catalog(), batchSize: batch, count: count)
        // `BENCH_STORE_PATHS=store` (or `raw`, `full`, `normal`) runs only those, for a profile of one path.
        let paths = Set((ProcessInfo.processInfo.environment["BENCH_STORE_PATHS"] ?? "store raw full normal").split(separator: " ").map(String.init))
        let directory = try Report.scratch("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        for sync in ["full", "normal"] where paths.contains(sync) {
            let store = try SQLiteShardStore(path: directory.appendingPathComponent("store-\(sync).sqlite").path, options: .init(synchronous: sync == "full" ? .full : .normal))
            let raw = try RawUpsertBaseline(path: directory.appendingPathComponent("raw-\(sync).sqlite").path, synchronousFull: sync == "full", commits: commits)
            for (name, commit) in [("store", { (index: Int) async throws in try await store.commit(commits[index % commits.count]) }),
                                   ("raw", { (index: Int) async throws in try await raw.commit(index) })] where paths.contains(name) {
                let start = ContinuousClock.now
                let cpuStart = cpuSeconds()
                var done = 0
                while seconds(ContinuousClock.now - start) < duration {
                    try await commit(done)
                    done += 1
                }
                let wall = seconds(ContinuousClock.now - start)
                let cpu = cpuSeconds() - cpuStart
                Report.log("\(name) \(sync): \(done) commits, \(Int(Double(done * batch) / wall)) inputs/s, \(String(format: "%.2f", cpu / Double(done * batch) * 1e6)) µs CPU per input")
            }
            try store.close()
            try raw.close()
        }
    }
}
