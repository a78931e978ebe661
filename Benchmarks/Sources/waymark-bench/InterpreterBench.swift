import BenchSupport
import Foundation

/// The ordo-one interpreter workload in-process, in CPU time per input (for
/// before/after comparisons on a machine shared with other work).
enum InterpreterBench {
    @concurrent
    static func run() async throws {
        let count = Report.env("BENCH_INTERPRETER_EVENTS", 100_000)
        let inputs = Report.env("BENCH_INTERPRETER_INPUTS", 2_000_000)
        var replay = InterpreterReplay(log: try Workload.generate(count: count, seed: 7), catalog: try Workload.catalog())
        // Warm as the ordo-one suite is: `count` steps, part of a lap, states left in progress.
        for _ in 0..<count { replay.step() }
        let start = ContinuousClock.now
        let cpuStart = cpuSeconds()
        for _ in 0..<inputs { replay.step() }
        let cpu = cpuSeconds() - cpuStart
        let wall = seconds(ContinuousClock.now - start)
        Report.log("interpreter: \(inputs) inputs, \(String(format: "%.3f", cpu / Double(inputs) * 1e6)) µs CPU per input, \(Int(Double(inputs) / wall)) inputs/s wall")
    }
}
