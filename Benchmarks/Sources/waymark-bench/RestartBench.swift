import BenchSupport
import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyStorage
import Logging

/// Time from start to ready with `RESTART_CUSTOMERS` customers (default 1M)
/// and as many pending timers on disk, in a data directory of
/// `RESTART_SHARDS` shards (default 8, a node's default): open the directory
/// and every shard file, build the engine, run it until every shard has
/// recovered (timers loaded, journey versions read, unapplied inbox queued).
enum RestartBench {
    @concurrent
    static func run() async throws {
        let customers = Report.env("RESTART_CUSTOMERS", 1_000_000)
        let shardCount = Report.env("RESTART_SHARDS", 8)
        let directory = try Report.scratch("restart")
        defer { try? FileManager.default.removeItem(at: directory) }
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let now = Date()

        // Typical states: each sample customer after its first three events.
        let catalog = try Workload.catalog()
        let interpreter = Interpreter(catalog: catalog)
        let templates = try MemoryBench.sampleByCustomer().map { events -> CustomerState in
            var state = CustomerState(customerID: events[0].customerID)
            for event in events.prefix(3) { _ = interpreter.handle(.event(event), state: &state, now: event.time) }
            return state
        }

        Report.log("writing \(customers) customers and timers into \(shardCount) shards")
        let setupStart = ContinuousClock.now
        do {
            let data = try DataDirectory.openOrCreate(at: directory, shardCount: shardCount, now: now)
            let stores = try (0..<shardCount).map { try data.store(forShard: $0, options: .init(synchronous: .normal)) }
            let engine = JourneyEngine(
                configuration: EngineConfiguration(shardCount: shardCount), stores: stores, clock: SystemClock(), logger: logger)
            try await engine.deploy(try Workload.journeys())
            var pending = [ShardCommit](repeating: ShardCommit(), count: shardCount)
            for index in 0..<customers {
                var state = templates[index % templates.count]
                state.customerID = "r\(index)"
                let shard = StableHash.shard(of: state.customerID, shardCount: shardCount)
                pending[shard].snapshots.append(state)
                pending[shard].timersSet.append(TimerRequest(
                    customerID: state.customerID, token: state.lastTimerToken + 1,
                    due: now.addingTimeInterval(86_400 + Double(index % 86_400)), journeyID: "cart-abandonment"))
                if pending[shard].snapshots.count == 5_000 {
                    try await stores[shard].commit(pending[shard])
                    pending[shard] = ShardCommit()
                }
            }
            for shard in 0..<shardCount where !pending[shard].isEmpty { try await stores[shard].commit(pending[shard]) }
            for store in stores { try store.close() }
        }
        Report.log("written in \(seconds(ContinuousClock.now - setupStart)) s")

        let start = ContinuousClock.now
        let data = try DataDirectory.open(at: directory)
        let stores = try (0..<data.shardCount).map { try data.store(forShard: $0, options: .init(synchronous: .full)) }
        let engine = JourneyEngine(
            configuration: EngineConfiguration(shardCount: data.shardCount), stores: stores, clock: SystemClock(), logger: logger)
        let running = Task { try await engine.run() }
        while await !engine.isReady { try await Task.sleep(for: .milliseconds(1)) }
        let ready = seconds(ContinuousClock.now - start)
        var timers = 0
        for shard in engine.shards { timers += await shard.pendingTimerCount }
        engine.stop()
        try await running.value
        for store in stores { try store.close() }
        Report.log("ready in \(ready) s with \(timers) timers")
        Report.emit(Figure(
            key: "restart_ready", what: "restart: open a data directory (\(shardCount) shards) with \(customers / 1000)k customers and \(customers / 1000)k pending timers on disk until every shard is ready (the files just written, so warm in the page cache)",
            value: ready, unit: "s", goal: "< 5 s",
            notes: "\(timers) timers loaded into memory (each shard's `passivation.timer_window`, default \(PassivationPolicy().timerWindow ?? 0)); the rest are read page by page as those fire"))
    }
}
