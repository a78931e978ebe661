import BenchSupport
import Benchmark
import Foundation
import JourneyRuntime
import JourneyStorage

/// `SQLiteShardStore.commit` (the engine's real transaction: snapshots,
/// timers, outbox, inbox position, actions) against raw GRDB upserts of the
/// same rows, same key order and blob sizes, at synchronous FULL and NORMAL.
/// One benchmark iteration is one commit of `BENCH_COMMIT_BATCH` inputs.
final class StorageBox: @unchecked Sendable {
    let commits: [ShardCommit]
    let directory: URL
    var stores: [String: SQLiteShardStore] = [:]
    var raws: [String: RawUpsertBaseline] = [:]
    var next: [String: Int] = [:]
    static let batch = Int(ProcessInfo.processInfo.environment["BENCH_COMMIT_BATCH"] ?? "") ?? 256

    init() {
        let count = Int(ProcessInfo.processInfo.environment["BENCH_COMMITS"] ?? "") ?? 400
        do {
            let log = try Workload.generate(count: max(100_000, count * Self.batch / 2), seed: 11)
            commits = CommitWorkload.make(log: log, catalog: try Workload.catalog(), batchSize: Self.batch, count: count)
            let base = ProcessInfo.processInfo.environment["BENCH_TMPDIR"] ?? NSTemporaryDirectory()
            directory = URL(fileURLWithPath: base).appendingPathComponent("waymark-storage-bench-\(getpid())")
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (name, sync) in [("full", SQLiteShardStore.Options.Synchronous.full), ("normal", .normal)] {
                stores[name] = try SQLiteShardStore(path: directory.appendingPathComponent("store-\(name).sqlite").path, options: .init(synchronous: sync))
                raws[name] = try RawUpsertBaseline(path: directory.appendingPathComponent("raw-\(name).sqlite").path, synchronousFull: sync == .full, commits: commits)
            }
        } catch {
            fatalError("cannot build the storage workload: \(error)")
        }
    }

    @concurrent
    func commitStore(_ name: String, count: Int) async throws {
        let store = stores[name]!
        var index = next["store-" + name, default: 0]
        for _ in 0..<count {
            try await store.commit(commits[index % commits.count])
            index += 1
        }
        next["store-" + name] = index
    }

    /// A store holding the snapshots of the first commits, read back by `readCustomers`.
    private var readStore: SQLiteShardStore?
    private var readIDs: [String] = []

    /// Reads `count` customers from a store of committed snapshots: ones it holds (`hits`), or
    /// ids it never saw, which is what activating a first-time customer costs a node.
    @concurrent
    func readCustomers(hits: Bool, count: Int) async throws {
        if readStore == nil {
            let store = try SQLiteShardStore(path: directory.appendingPathComponent("store-read.sqlite").path)
            for commit in commits.prefix(40) { try await store.commit(commit) }
            readIDs = try await store.customerIDs()
            readStore = store
        }
        let store = readStore!
        var index = next["read", default: 0]
        for _ in 0..<count {
            let id = hits ? readIDs[index % readIDs.count] : "never-seen-\(index)"
            blackHole(try await store.customer(id))
            index += 1
        }
        next["read"] = index
    }

    @concurrent
    func commitRaw(_ name: String, count: Int) async throws {
        let raw = raws[name]!
        var index = next["raw-" + name, default: 0]
        for _ in 0..<count {
            try await raw.commit(index)
            index += 1
        }
        next["raw-" + name] = index
    }
}

let storageBox = StorageBox()

/// Removes the shard files when the benchmark process exits.
func removeStorageFiles() {
    atexit { try? FileManager.default.removeItem(at: storageBox.directory) }
}

let benchmarks: @Sendable () -> Void = {
    let seconds = Int(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 5
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock],
        warmupIterations: 3, scalingFactor: .one, maxDuration: .seconds(seconds), maxIterations: 100_000,
        setup: {
            _ = storageBox
            removeStorageFiles()
            // Each benchmark starts with the disk quiet, not with the previous one's writeback.
            flushDirtyPages()
        })

    for name in ["full", "normal"] {
        Benchmark("store commit \(name)") { benchmark in
            try await storageBox.commitStore(name, count: benchmark.scaledIterations.count)
        }
        Benchmark("raw upserts \(name)") { benchmark in
            try await storageBox.commitRaw(name, count: benchmark.scaledIterations.count)
        }
    }
    for (name, hits) in [("held", true), ("never seen", false)] {
        Benchmark("store read customer \(name)") { benchmark in
            try await storageBox.readCustomers(hits: hits, count: benchmark.scaledIterations.count)
        }
    }
}
