import Foundation
import Synchronization
import Testing

/// `waymark` run as a child process, with its stderr captured so the test can
/// learn the port it bound (it is started with `--port 0`) and show its log on failure.
final class ChildNode: Sendable {
    let process: Process
    private let log = Mutex("")
    private let exited = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

    init(arguments: [String]) throws {
        process = Process()
        process.executableURL = try Self.executable()
        process.arguments = arguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if !data.isEmpty { log.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
        process.terminationHandler = { [self] process in
            let waiter = exited.withLock { state in
                state.status = process.terminationStatus
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: process.terminationStatus)
        }
        try process.run()
    }

    var output: String { log.withLock { $0 } }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The base URL from the node's "waymark listening" log line.
    func listeningURL() async throws -> String {
        var url: String?
        try await eventually("the child node listens") {
            if let range = output.range(of: #"node\.address=http://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                url = String(output[range].dropFirst("node.address=".count))
            }
            return url != nil || !process.isRunning
        }
        guard let url else {
            Issue.record("the node did not start:\n\(output)")
            throw CancellationError()
        }
        return url
    }

    /// The exit status once the process ends (bounded: a hung node fails the test and is killed).
    func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let status = self.exited.withLock { state -> Int32? in
                        if state.status == nil { state.waiter = continuation }
                        return state.status
                    }
                    if let status { continuation.resume(returning: status) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next()!
            if first != nil {
                group.cancelAll()
                return first
            }
            self.signal(SIGKILL)
            return await group.next()!
        }
        guard let status else { throw CancellationError() }
        return status
    }

    /// The `waymark` binary, built beside the test bundle by `swift build --build-tests`.
    static func executable() throws -> URL {
        let candidates = [CommandLine.arguments.first, Bundle.main.executablePath].compactMap { $0 }
        for candidate in candidates {
            var directory = URL(fileURLWithPath: candidate).deletingLastPathComponent()
            for _ in 0..<4 {
                let binary = directory.appendingPathComponent("waymark")
                if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "waymark (run `swift build --build-tests`)"])
    }
}
