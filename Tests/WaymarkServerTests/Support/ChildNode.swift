import ChildProcessSupport
import Foundation
import Testing

/// `waymark` run as a child process, with its output captured so the test can
/// learn the port it bound (it is started with `--port 0`) and show its log on failure.
final class ChildNode: Sendable {
    let child: ChildProcess

    init(arguments: [String]) throws {
        child = try ChildProcess(ChildProcess.builtExecutable(named: "waymark"), arguments: arguments, mergeOutput: true)
    }

    /// Everything the node wrote to stdout and stderr so far.
    var output: String { child.standardOutput }

    var isRunning: Bool { child.isRunning }

    /// The last `count` lines of the node's log, to attach to a failure that waited on it.
    func logTail(_ count: Int = 60) -> String {
        output.split(separator: "\n", omittingEmptySubsequences: false).suffix(count).joined(separator: "\n")
    }

    func signal(_ signal: Int32) {
        child.signal(signal)
    }

    /// The base URL from the node's "waymark listening" log line.
    func listeningURL() async throws -> String {
        var url: String?
        try await eventually("the child node listens") {
            if let range = output.range(of: #"node\.address=http://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                url = String(output[range].dropFirst("node.address=".count))
            }
            return url != nil || !isRunning
        }
        guard let url else {
            Issue.record("the node did not start:\n\(output)")
            throw CancellationError()
        }
        return url
    }

    /// The exit status (the signal number if a signal ended it) once the process ends;
    /// bounded: a hung node is killed and the test fails.
    func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
        do {
            return try await child.termination(timeout: timeout).status
        } catch let error as ChildProcess.DeadlineExceeded {
            Issue.record("\(error); its log ends with:\n\(output.suffix(4000))")
            throw error
        }
    }
}
