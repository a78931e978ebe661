import Foundation
import JourneyModel
import JourneyRuntime
import Testing

/// The engine in a child process, killed with SIGKILL mid-load and restarted on the same
/// data directory, must end with exactly the sends of an uninterrupted run: no accepted
/// event lost, every timer fired, no idempotency key delivered twice.
@Suite(.serialized) struct CrashRecoveryTests {
    static let customers = 300

    @Test func aKilledEngineRestartsWithoutLosingOrDuplicatingSends() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let events = workspace.path("events.jsonl")
        try Self.writeEvents(to: events)

        let clean = try Self.run(in: workspace, name: "clean", events: events, kills: [])
        // Killed twice: once while events are being accepted, once while sends are being delivered.
        let crashed = try Self.run(in: workspace, name: "crashed", events: events, kills: [.acknowledged(150), .delivered(300)])

        #expect(clean.count == Self.customers * 3)
        #expect(Set(clean).count == clean.count)
        #expect(Set(crashed).count == crashed.count, "a key was delivered twice after the restart")
        #expect(Set(crashed) == Set(clean))
    }

    /// When to SIGKILL the harness.
    enum KillPoint {
        /// Once this many events have been acknowledged.
        case acknowledged(Int)
        /// Once this many sends have been delivered.
        case delivered(Int)
    }

    /// Runs the harness to completion, killing it at each kill point and starting it again;
    /// returns the idempotency keys it delivered, in order.
    static func run(in workspace: TemporaryDirectory, name: String, events: String, kills: [KillPoint]) throws -> [String] {
        let data = workspace.path("\(name)-data")
        let deliveries = workspace.path("\(name)-deliveries.jsonl")
        let progress = workspace.path("\(name)-progress")
        let arguments = [data, Self.fixtures, events, deliveries, progress]
        for point in kills {
            let process = try Self.launch(arguments)
            let deadline = Date().addingTimeInterval(60)
            func reached() -> Bool {
                switch point {
                case .acknowledged(let count): Self.acknowledged(progress) >= count
                case .delivered(let count): Self.lineCount(deliveries) >= count
                }
            }
            while !reached() && process.isRunning && Date() < deadline { usleep(2_000) }
            #expect(process.isRunning, "the harness finished before it could be killed at \(point)")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
        }
        let process = try Self.launch(arguments)
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = try String(contentsOfFile: deliveries, encoding: .utf8).split(separator: "\n")
        return try lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["idempotency_key"] as? String)
        }
    }

    static func writeEvents(to path: String) throws {
        let encoder = JSONEncoder()
        let start = Date(timeIntervalSince1970: 1_709_283_600)
        var lines: [String] = []
        for index in 0..<customers {
            for name in ["signup", "add_to_cart"] {
                let event = CustomerEvent(id: "\(name)-\(index)", customerID: "customer-\(index)", name: name, time: start)
                lines.append(String(decoding: try encoder.encode(event), as: UTF8.self))
            }
        }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try harnessExecutable()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func lineCount(_ path: String) -> Int {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    static func acknowledged(_ progress: String) -> Int {
        Int((try? String(contentsOfFile: progress, encoding: .utf8)) ?? "") ?? 0
    }

    static var fixtures: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/crash-journeys").path
    }

    /// The harness binary, built beside the test bundle by `swift build --build-tests`.
    static func harnessExecutable() throws -> URL {
        let candidates = [CommandLine.arguments.first, Bundle.main.executablePath].compactMap { $0 }
        for candidate in candidates {
            var directory = URL(fileURLWithPath: candidate).deletingLastPathComponent()
            for _ in 0..<4 {
                let binary = directory.appendingPathComponent("waymark-engine-harness")
                if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "waymark-engine-harness (run `swift build --build-tests`)"])
    }
}

/// A directory under the system's temporary folder, removed by the test that made it.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
