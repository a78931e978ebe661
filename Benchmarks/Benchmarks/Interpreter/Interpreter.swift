import BenchSupport
import Benchmark
import Foundation
import JourneyRuntime

/// Interpreter inputs per second on a replay of cloned sample customers
/// through the example journeys (pure: no actors, no store), beside the
/// cost of one plain actor round trip measured in the same run.
final class ReplayBox: @unchecked Sendable {
    var replay: InterpreterReplay

    init() {
        let count = Int(ProcessInfo.processInfo.environment["BENCH_INTERPRETER_EVENTS"] ?? "") ?? 100_000
        do {
            replay = InterpreterReplay(log: try Workload.generate(count: count, seed: 7), catalog: try Workload.catalog())
        } catch {
            fatalError("cannot build the interpreter workload: \(error)")
        }
        // One lap first, so the measured inputs meet customers with runs in progress as well as new ones.
        for _ in 0..<count { replay.step() }
    }
}

let replayBox = ReplayBox()
let hopTarget = HopTarget()

let benchmarks: @Sendable () -> Void = {
    let seconds = Int(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 5
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 2, scalingFactor: .kilo, maxDuration: .seconds(seconds), maxIterations: 1_000_000)

    Benchmark("interpreter input", configuration: .init(setup: { _ = replayBox })) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(replayBox.replay.step())
        }
    }

    Benchmark("actor hop") { benchmark in
        blackHole(await HopBaseline.run(hopTarget, count: benchmark.scaledIterations.count))
    }
}
