import BenchSupport
import Foundation

/// One figure for BENCHMARKS.md, printed as a JSON line.
struct Figure: Encodable {
    var key: String
    var what: String
    var value: Double
    var unit: String
    var baseline: Double?
    var baselineWhat: String?
    var goal: String?
    var notes: String?

    enum CodingKeys: String, CodingKey {
        case key, what, value, unit, baseline, goal, notes
        case baselineWhat = "baseline_what"
    }
}

enum Report {
    static func emit(_ figure: Figure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(figure)) ?? Data()
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func log(_ text: String) {
        FileHandle.standardError.write(Data("[waymark-bench] \(text)\n".utf8))
    }

    static func machine() {
        let formatter = ISO8601DateFormatter()
        let object: [String: String] = [
            "nproc": "\(ProcessInfo.processInfo.activeProcessorCount)",
            "cpu": ProcessStats.cpuModel,
            "memory_gib": String(format: "%.1f", Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824),
            "date": formatter.string(from: Date()),
            "load": ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " "),
            "commit": ProcessInfo.processInfo.environment["WAYMARK_COMMIT"] ?? "",
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func env(_ name: String, _ fallback: Int) -> Int {
        Int(ProcessInfo.processInfo.environment[name] ?? "") ?? fallback
    }

    /// Where scratch files go.
    static func scratch(_ name: String) throws -> URL {
        let base = ProcessInfo.processInfo.environment["BENCH_TMPDIR"] ?? NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appendingPathComponent("waymark-bench-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
