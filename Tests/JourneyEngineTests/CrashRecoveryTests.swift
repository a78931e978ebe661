import ChildProcessSupport
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

        let clean = try await Self.run(in: workspace, name: "clean", events: events, kills: [])
        // Killed twice: once while events are being accepted, once while sends are being delivered.
        let crashed = try await Self.run(in: workspace, name: "crashed", events: events, kills: [.acknowledged(150), .delivered(300)])

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
    static func run(in workspace: TemporaryDirectory, name: String, events: String, kills: [KillPoint]) async throws -> [String] {
        let data = workspace.path("\(name)-data")
        let deliveries = workspace.path("\(name)-deliveries.jsonl")
        let progress = workspace.path("\(name)-progress")
        let arguments = [data, Self.fixtures, events, deliveries, progress]
        for point in kills {
            let harness = try Self.launch(arguments)
            let killed = await harness.signal(SIGKILL, when: {
                switch point {
                case .acknowledged(let count): Self.acknowledged(progress) >= count
                case .delivered(let count): Self.lineCount(deliveries) >= count
                }
            })
            #expect(killed, "the harness finished before it could be killed at \(point)")
            let ending = try await harness.termination(timeout: .seconds(30))
            #expect(ending == .init(status: SIGKILL, signalled: true), "\(harness.standardError)")
        }
        let harness = try Self.launch(arguments)
        let ending = try await harness.termination(timeout: .seconds(120))
        #expect(ending == .success, "\(harness.standardError)")
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

    static func launch(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(ChildProcess.builtExecutable(named: "waymark-engine-harness"), arguments: arguments)
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
