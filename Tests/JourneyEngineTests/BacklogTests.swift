import Foundation
import JourneyEngine
import JourneyRuntime
import Logging
import Testing
import WaymarkTestSupport

/// A shard accepts only as far ahead of what it applies as its ``BacklogPolicy`` allows, and
/// applies at most `applyBatchLimit` inputs per commit, so an overloaded node makes callers wait
/// rather than piling work up in memory.
@Suite struct BacklogTests {
    /// Holds every commit's notification (and so the shard's apply loop) until opened.
    actor GatedObserver: ShardObserver {
        private var open = false
        private var held: [CheckedContinuation<Void, Never>] = []
        private(set) var batchSizes: [Int] = []
        let recorder = RecordingObserver()

        func shardCommitted(_ batch: CommittedBatch) async {
            batchSizes.append(batch.inputs)
            if !open { await withCheckedContinuation { held.append($0) } }
            await recorder.shardCommitted(batch)
        }

        func openGate() {
            open = true
            for continuation in held { continuation.resume() }
            held = []
        }

        var isHolding: Bool { !held.isEmpty }
    }

    static func event(_ number: Int) -> InboxInput {
        let time = Date(timeIntervalSince1970: 1_709_283_600)
        return InboxInput(payload: .event(CustomerEvent(customerID: "c\(number)", name: "view", time: time)), acceptedAt: time)
    }

    static func engine(observer: GatedObserver, backlog: BacklogPolicy) -> JourneyEngine {
        JourneyEngine(
            configuration: EngineConfiguration(shardCount: 1, backlog: backlog), stores: [InMemoryShardStore()],
            clock: VirtualClock(start: Date(timeIntervalSince1970: 1_709_283_600)), observer: observer,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test func acceptingWaitsWhileTheBacklogIsFull() async throws {
        let observer = GatedObserver()
        let engine = Self.engine(observer: observer, backlog: BacklogPolicy(applyBatchLimit: 1, backlogLimit: 2))
        let running = Task { try await engine.run() }
        defer { running.cancel() }

        // The first input is taken by the apply loop, which then waits at the gate.
        _ = try await engine.ingest([Self.event(1)])
        while !(await observer.isHolding) { await Task.yield() }
        // Two more fill the backlog; both are still acknowledged.
        _ = try await engine.ingest([Self.event(2)])
        _ = try await engine.ingest([Self.event(3)])
        var spins = 0
        while engine.shards[0].queuedWork != 2, spins < 100_000 {
            await Task.yield()
            spins += 1
        }
        #expect(engine.shards[0].queuedWork == 2, "the backlog gauge counts what waits")

        let acknowledged = Flag()
        let fourth = Task {
            let results = try await engine.ingest([Self.event(4)])
            acknowledged.raise()
            return results
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!acknowledged.isRaised, "a full backlog holds the acknowledgement")

        await observer.openGate()
        let results = try await fourth.value
        #expect(results.count == 1)
        if case .appended = results.first {} else { Issue.record("the held input was appended once there was room: \(results)") }
        await observer.recorder.waitForInputs(4)
        #expect(await observer.batchSizes.allSatisfy { $0 <= 1 })
    }

    @Test func oneCommitAppliesAtMostTheBatchLimit() async throws {
        let observer = GatedObserver()
        let engine = Self.engine(observer: observer, backlog: BacklogPolicy(applyBatchLimit: 3, backlogLimit: 100))
        let running = Task { try await engine.run() }
        defer { running.cancel() }

        _ = try await engine.ingest([Self.event(0)])
        while !(await observer.isHolding) { await Task.yield() }
        _ = try await engine.ingest((1...10).map(Self.event))
        await observer.openGate()
        await observer.recorder.waitForInputs(11)
        let sizes = await observer.batchSizes
        #expect(sizes.reduce(0, +) == 11)
        #expect(sizes.allSatisfy { $0 <= 3 }, "\(sizes)")
    }
}
