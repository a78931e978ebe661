import Foundation
import JourneyRuntime

/// A store that keeps nothing: every customer is new, commits vanish. For
/// measuring what the engine itself holds in memory, without a store's caches.
public final class NullShardStore: ShardStore {
    public init() {}
    public func recover() async throws -> ShardRecovery { ShardRecovery(pendingTimers: [], unappliedInbox: [], journeyVersions: []) }
    public func customer(_ id: String) async throws -> CustomerState? { nil }
    public func customerIDs() async throws -> [String] { [] }
    public func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        inputs.enumerated().map { .appended(InboxEntry(sequence: Int64($0.offset + 1), input: $0.element)) }
    }
    public func commit(_ commit: ShardCommit) async throws {}
    public func dueOutbox(now: Date, limit: Int) async throws -> [OutboxEntry] { [] }
    public func updateOutbox(_ updates: [OutboxUpdate]) async throws {}
    public func outboxCounts() async throws -> [OutboxEntry.Status: Int] { [:] }
    public func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord] { [] }
    public func saveJourneyVersion(_ version: StoredJourneyVersion) async throws {}
}

/// A plain actor: the baseline hop the interpreter is compared with.
public actor HopTarget {
    var total = 0
    public init() {}
    public func hop(_ value: Int) -> Int {
        total &+= value
        return total
    }
}

public enum HopBaseline {
    /// `count` round trips from a task off any actor into `target` and back.
    @concurrent
    public static func run(_ target: HopTarget, count: Int) async -> Int {
        var sum = 0
        for index in 0..<count { sum &+= await target.hop(index) }
        return sum
    }
}

/// Process measurements.
public enum ProcessStats {
    /// Resident set size in bytes, from /proc/self/statm.
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Asks glibc to give freed memory back, so RSS reflects what is live.
    public static func trim() {
        #if os(Linux)
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
    }

    public static var cpuModel: String {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        }
        return "unknown"
    }
}

/// Seconds between two instants of a continuous clock.
public func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) / 1e18
}

/// CPU seconds (user + system) this process used so far: less disturbed than
/// wall time when something else shares the machine.
public func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// User + system CPU seconds another process (a node under load) has used so far, from
/// `/proc/PID/stat`; nil where that cannot be read.
public func cpuSeconds(ofProcess pid: Int32) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let afterName = text.range(of: ") ", options: .backwards)
    else { return nil }
    // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
    let fields = text[afterName.upperBound...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
