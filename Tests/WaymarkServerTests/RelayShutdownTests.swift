import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import JourneyStorage
import Logging
import Synchronization
import Testing

/// A relay that stops (SIGTERM, a shard moving away) while a delivery is in flight lets
/// that delivery finish and records its outcome, so the next start does not send it again.
@Suite struct RelayShutdownTests {
    static func message(_ key: String) -> OutboundMessage {
        OutboundMessage(
            idempotencyKey: key, kind: .send, time: Date(timeIntervalSince1970: 1_709_283_600), customerID: "c1", journeyID: "j",
            version: 1, run: 1, stepID: "s", visit: 1, channel: "email", template: nil, message: "hi", data: nil, webhook: nil,
            profile: .object([:]), event: nil, variant: nil)
    }

    @Test func aStoppingRelayFinishesTheDeliveryInFlightAndRecordsIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteShardStore(path: folder.appendingPathComponent("shard-0.sqlite").path, shard: 0)
        defer { try? store.close() }
        try await store.commit(ShardCommit(outbox: [Self.message("k1")]))

        let adapter = HeldAdapter()
        let relay = OutboxRelay(
            store: store, configuration: OutboxRelay.Configuration(adapters: ["email": adapter]), clock: SystemClock(), seed: 1,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { await relay.run() }
        await adapter.waitUntilStarted()
        running.cancel()
        adapter.release()
        await running.value

        #expect(adapter.sawCancellation == false, "the request in flight was cut off")
        let stillDue = try await store.dueOutbox(now: Date.distantFuture, limit: 10)
        #expect(stillDue.isEmpty, "the delivery succeeded but stays pending: the next start sends it again")
    }
}

/// Holds its delivery until released, whatever happens to the task around it, and
/// notes whether that task was cancelled meanwhile (an HTTP client aborts the request then).
final class HeldAdapter: ChannelAdapter {
    private struct State {
        var started = false
        var released = false
        var startWaiter: CheckedContinuation<Void, Never>?
        var releaseWaiter: CheckedContinuation<Void, Never>?
        var sawCancellation = false
    }

    private let state = Mutex(State())

    var sawCancellation: Bool { state.withLock { $0.sawCancellation } }

    func waitUntilStarted() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.started { return true }
                state.startWaiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.released = true
            defer { state.releaseWaiter = nil }
            return state.releaseWaiter
        }
        waiter?.resume()
    }

    func deliver(_ delivery: Delivery) async throws {
        let starter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.started = true
            defer { state.startWaiter = nil }
            return state.startWaiter
        }
        starter?.resume()
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.released { return true }
                state.releaseWaiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
        if Task.isCancelled {
            state.withLock { $0.sawCancellation = true }
            throw DeliveryError(retryable: true, "the request was cancelled")
        }
    }
}
