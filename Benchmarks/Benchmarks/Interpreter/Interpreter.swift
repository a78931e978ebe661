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
        // `count` steps first (timers count as steps, so about two thirds of a lap, not a whole one:
        // a whole lap would end by resetting every state), so the measured inputs meet customers
        // with runs in progress as well as new ones.
        for _ in 0..<count { replay.step() }
    }
}

let replayBox = ReplayBox()
let hopTarget = HopTarget()

/// Customer states as the replay left them (profiles with counters, runs waiting), packed and not.
final class PackingBox: @unchecked Sendable {
    let states: [CustomerState]
    let packed: [CompactCustomerState]

    init() {
        states = (0..<min(10_000, replayBox.replay.customerCount)).map { replayBox.replay.state(of: $0) }
        packed = states.map(CompactCustomerState.init)
    }
}

let packingBox = PackingBox()

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

    // What an idle customer's state costs to pack after `compact_after`, and to unpack at its next input.
    Benchmark("pack state", configuration: .init(setup: { _ = packingBox })) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(CompactCustomerState(packingBox.states[index % packingBox.states.count]))
        }
    }

    Benchmark("unpack state", configuration: .init(setup: { _ = packingBox })) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(packingBox.packed[index % packingBox.packed.count].decoded())
        }
    }

    Benchmark("actor hop") { benchmark in
        blackHole(await HopBaseline.run(hopTarget, count: benchmark.scaledIterations.count))
    }
}
