import ChildProcessSupport
import Foundation
import Testing

/// The helper every process-level test relies on: its waits must end, whatever the child does.
@Suite(.timeLimit(.minutes(1)))
struct ChildProcessTests {
    let shell = URL(fileURLWithPath: "/bin/sh")

    @Test func anExitStatusAndTheOutputAreReported() async throws {
        let child = try ChildProcess(shell, arguments: ["-c", "echo out; echo err >&2; exit 3"])
        #expect(try await child.termination() == ChildProcess.Termination(status: 3, signalled: false))
        #expect(child.standardOutput == "out\n")
        #expect(child.standardError == "err\n")
        #expect(!child.isRunning)
    }

    @Test func aSignalledChildIsReportedAsSignalled() async throws {
        let child = try ChildProcess(shell, arguments: ["-c", "exec sleep 30"])
        child.signal(SIGKILL)
        #expect(try await child.termination() == ChildProcess.Termination(status: SIGKILL, signalled: true))
    }

    @Test func aChildPastItsDeadlineIsKilledAndTheWaitThrows() async throws {
        let child = try ChildProcess(shell, arguments: ["-c", "exec sleep 30"])
        let started = ContinuousClock.now
        await #expect(throws: ChildProcess.DeadlineExceeded.self) {
            try await child.termination(timeout: .milliseconds(200))
        }
        #expect(ContinuousClock.now - started < .seconds(25), "the wait ended at the deadline, not with the child's own exit")
        #expect(!child.isRunning)
    }

    @Test func severalTasksMayAwaitOneChild() async throws {
        let child = try ChildProcess(shell, arguments: ["-c", "sleep 0.2; exit 5"])
        async let first = child.termination()
        async let second = child.termination()
        let endings = try await [first, second]
        #expect(endings.allSatisfy { $0.status == 5 && !$0.signalled })
    }

    @Test func aCancelledWaitKillsTheChildAndThrowsCancellation() async throws {
        let child = try ChildProcess(shell, arguments: ["-c", "exec sleep 30"])
        let waiting = Task { try await child.termination(timeout: .seconds(50)) }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(try await child.termination(timeout: .seconds(5)) == ChildProcess.Termination(status: SIGKILL, signalled: true))
    }
}
