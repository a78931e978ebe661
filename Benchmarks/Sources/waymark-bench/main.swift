// waymark-bench: the whole-system measurements of Benchmarks/run.sh. Each
// subcommand prints one JSON object per figure on stdout (progress on stderr).
// Hot loops run in @concurrent functions, never on the main actor.
import BenchSupport
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let command = arguments.first else {
    FileHandle.standardError.write(Data("usage: waymark-bench machine|simulate|memory|passivation|restart|node|remote|store|interpreter|replay|generate DIR\n".utf8))
    exit(2)
}

do {
    switch command {
    case "machine": Report.machine()
    case "simulate": try await SimulatorBench.run()
    case "replay": try await SimulatorBench.replay()
    case "generate": try SimulatorBench.generate(into: arguments.dropFirst().first ?? ".")
    case "memory": try await MemoryBench.resident(packed: true)
    case "memory-unpacked": try await MemoryBench.resident(packed: false)
    case "passivation": try await MemoryBench.passivation()
    case "restart": try await RestartBench.run()
    case "node": try await NodeBench.run()
    case "remote": try await RemoteBench.run()
    case "store": try await StoreBench.run()
    case "interpreter": try await InterpreterBench.run()
    default:
        FileHandle.standardError.write(Data("unknown subcommand \(command)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("waymark-bench \(command): \(error)\n".utf8))
    exit(1)
}
