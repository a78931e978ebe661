import Foundation
import Synchronization

/// A program run as a child process by a test, awaited without blocking a thread.
///
/// Foundation's `Process.waitUntilExit()` spins a run loop on the calling thread and, off
/// the main thread on Linux, can miss the child's termination and block forever: a test
/// that calls it parks one of the two cooperative threads of a 2-core machine for good, and
/// the whole test run hangs. Here the termination handler is registered before the child
/// starts (so a child that exits at once is not missed) and bridged to one `await`, every
/// wait has a deadline, and a child still running at the deadline is killed with SIGKILL.
///
/// Output goes to files rather than pipes, so a chatty child can never fill a pipe buffer
/// and stall, and everything it wrote is readable after it exits.
public final class ChildProcess: Sendable {
    /// How a child ended.
    public struct Termination: Sendable, Equatable, CustomStringConvertible {
        /// The exit status, or the signal number when `signalled`.
        public var status: Int32
        /// True when the child was ended by a signal (SIGKILL, an uncaught SIGTERM…).
        public var signalled: Bool

        public init(status: Int32, signalled: Bool) {
            self.status = status
            self.signalled = signalled
        }

        /// Exit status 0.
        public static let success = Termination(status: 0, signalled: false)

        public var description: String { signalled ? "signal \(status)" : "exit \(status)" }
    }

    /// A child still running when its deadline passed (it has been killed).
    public struct DeadlineExceeded: Error, CustomStringConvertible {
        public var command: String
        public var timeout: Duration
        public var description: String { "\(command) was still running after \(timeout) and was killed" }
    }

    private let process: Process
    private let outputURL: URL
    private let errorURL: URL
    private let directory: URL
    private let exit = ExitSignal()

    /// Starts `executable` with `arguments`.
    /// - Parameter mergeOutput: write stderr into the same file as stdout (a log in the order written).
    public init(
        _ executable: URL,
        arguments: [String],
        currentDirectory: URL? = nil,
        mergeOutput: Bool = false
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outputURL = directory.appendingPathComponent("stdout")
        errorURL = mergeOutput ? outputURL : directory.appendingPathComponent("stderr")
        for url in Set([outputURL, errorURL]) where !FileManager.default.createFile(atPath: url.path, contents: nil) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }

        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let output = try FileHandle(forWritingTo: outputURL)
        process.standardOutput = output
        process.standardError = mergeOutput ? output : try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [exit] process in
            exit.finish(Termination(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal))
        }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// True until the termination handler has run.
    public var isRunning: Bool { exit.ending == nil }

    /// Everything written to stdout so far (with stderr when merged).
    public var standardOutput: String { Self.read(outputURL) }

    /// Everything written to stderr so far (empty when merged into stdout).
    public var standardError: String { errorURL == outputURL ? "" : Self.read(errorURL) }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// How the child ended; a child still running after `timeout` is killed and this throws.
    ///
    /// After the SIGKILL the wait for Foundation's termination handler is bounded too: if
    /// Foundation never reports the exit (the hang described above), the test fails with
    /// `DeadlineExceeded` instead of parking the whole run. (Foundation on Linux notices an
    /// exit when the last holder of a descriptor it gave the child closes it, so a grandchild
    /// that outlives a killed child delays the report until the grandchild ends.) A cancelled
    /// wait (a test's time limit) kills the child too, and throws `CancellationError`.
    @discardableResult
    public func termination(timeout: Duration = .seconds(120)) async throws -> Termination {
        let (ending, killed) = await withTaskGroup(of: Termination?.self) { group in
            group.addTask { await self.exit.wait() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            if let ending = await group.next()! { return (ending, false) }
            // The deadline passed: kill the child and give Foundation a bounded time to report it.
            self.signal(SIGKILL)
            group.addTask {
                try? await Task.sleep(for: Self.reportAfterKill)
                return nil
            }
            let ending = await group.next()! ?? Termination(status: SIGKILL, signalled: true)
            return (ending, true)
        }
        guard killed else { return ending }
        try Task.checkCancellation()
        let command = ([process.executableURL?.lastPathComponent ?? "?"] + (process.arguments ?? [])).joined(separator: " ")
        throw DeadlineExceeded(command: command, timeout: timeout)
    }

    /// How long a killed child's exit may take to be reported before the wait gives up on it.
    private static let reportAfterKill = Duration.seconds(15)

    /// Sends `signal` the moment `condition` holds, checking every millisecond on a thread of its
    /// own. A check on the cooperative pool can be starved, on a busy 2-core test run, for longer
    /// than a fast child takes to finish its work, and the signal then comes too late. Returns
    /// whether the signal went to a running child (false: it ended first, or `timeout` passed).
    public func signal(_ signal: Int32, when condition: @escaping @Sendable () -> Bool, timeout: Duration = .seconds(60)) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread { [self] in
                let deadline = ContinuousClock.now.advanced(by: timeout)
                while isRunning, ContinuousClock.now < deadline {
                    if condition() {
                        self.signal(signal)
                        return continuation.resume(returning: true)
                    }
                    usleep(1_000)
                }
                continuation.resume(returning: false)
            }.start()
        }
    }

    /// A product of this package, built beside the test bundle by `swift build --build-tests`.
    public static func builtExecutable(named name: String) throws -> URL {
        let candidates = [CommandLine.arguments.first, Bundle.main.executablePath].compactMap { $0 }
        for candidate in candidates {
            var directory = URL(fileURLWithPath: candidate).deletingLastPathComponent()
            for _ in 0..<4 {
                let binary = directory.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(name) (run `swift build --build-tests`)"])
    }

    private static func read(_ url: URL) -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }
}

/// The child's termination, set once by Foundation's monitoring thread and awaited by any number of tasks.
private final class ExitSignal: Sendable {
    private struct State {
        var ending: ChildProcess.Termination?
        var waiters: [Int: CheckedContinuation<ChildProcess.Termination?, Never>] = [:]
        var cancelled: Set<Int> = []
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    var ending: ChildProcess.Termination? { state.withLock { $0.ending } }

    func finish(_ ending: ChildProcess.Termination) {
        let waiters = state.withLock { state in
            state.ending = ending
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume(returning: ending) }
    }

    /// The termination, or nil when the waiting task is cancelled first.
    func wait() async -> ChildProcess.Termination? {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let answer = state.withLock { state -> ChildProcess.Termination?? in
                    if let ending = state.ending { return .some(ending) }
                    if state.cancelled.remove(id) != nil { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.waiters.removeValue(forKey: id)
                if waiter == nil, state.ending == nil { state.cancelled.insert(id) }
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
