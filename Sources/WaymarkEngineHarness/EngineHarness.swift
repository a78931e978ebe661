import Foundation
import JourneyEngine
import JourneyRuntime
import JourneyStorage
import JourneyYAML
import Logging

/// A load driver for recovery tests: runs the real engine on a data directory,
/// feeds it events from a JSON Lines file, delivers sends to a JSONL file, and
/// exits once every event is applied, every timer fired and every send delivered.
///
/// Killed at any moment and started again with the same arguments, it resumes
/// from the last acknowledged event (recorded in the progress file after each
/// acknowledgement) and must end with exactly the deliveries of an
/// uninterrupted run. Usage:
///
///     waymark-engine-harness DATA_DIR JOURNEYS_DIR EVENTS.jsonl DELIVERIES.jsonl PROGRESS_FILE
@main
struct EngineHarness {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.count == 5 else {
            FileHandle.standardError.write(Data("usage: waymark-engine-harness DATA_DIR JOURNEYS_DIR EVENTS.jsonl DELIVERIES.jsonl PROGRESS_FILE\n".utf8))
            exit(2)
        }
        let paths = Array(arguments)
        try await run(data: paths[0], journeys: paths[1], events: paths[2], deliveries: paths[3], progress: paths[4])
    }

    static func run(data: String, journeys: String, events: String, deliveries: String, progress: String) async throws {
        let logger = Logger(label: "harness", factory: { _ in SwiftLogNoOpLogHandler() })
        let clock = SystemClock()
        let directory = try DataDirectory.openOrCreate(at: URL(fileURLWithPath: data), shardCount: 4, now: clock.now())
        let stores = try (0..<directory.shardCount).map { try directory.store(forShard: $0) }
        let relay = OutboxRelay.Configuration(adapters: [:], defaultAdapter: try FileChannelAdapter(path: deliveries), pollInterval: 0.05)
        let engine = JourneyEngine(
            configuration: EngineConfiguration(shardCount: directory.shardCount), stores: stores, clock: clock,
            relay: relay, seed: 1, logger: logger)
        let loaded = JourneyLoader().load(paths: [journeys])
        guard loaded.errorCount == 0 else { throw EngineError(.invalidJourney, "\(loaded.diagnostics)") }
        try await engine.deploy(loaded.journeys.map(\.definition))
        let running = Task { try await engine.run() }

        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
        var acknowledged = Int((try? String(contentsOfFile: progress, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        while acknowledged < lines.count {
            let batch = lines[acknowledged..<min(lines.count, acknowledged + 25)]
            let inputs = try batch.map { line in
                let event = try JSONDecoder().decode(CustomerEvent.self, from: Data(line.utf8))
                return InboxInput(payload: .event(event), acceptedAt: clock.now())
            }
            _ = try await engine.ingest(inputs)
            acknowledged += batch.count
            try "\(acknowledged)".write(toFile: progress, atomically: true, encoding: .utf8)
        }
        // Done when nothing is left to apply, to fire or to deliver.
        while true {
            var busy = false
            for (index, shard) in engine.shards.enumerated() {
                let counts = try await stores[index].outboxCounts()
                let unapplied = try await stores[index].recover().unappliedInbox.count
                if await shard.hasPendingTimers || (counts[.pending] ?? 0) > 0 || unapplied > 0 { busy = true }
            }
            if !busy { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        engine.stop()
        try await running.value
        // A timer taken off its queue just before the idle check commits its sends while the engine
        // drains, after the relays stopped: deliver those now, before reporting done.
        for (index, relay) in engine.relays.enumerated() {
            for _ in 0..<100 where (try await stores[index].outboxCounts()[.pending] ?? 0) > 0 {
                await relay.deliverDue()
            }
        }
        print("done")
    }
}
