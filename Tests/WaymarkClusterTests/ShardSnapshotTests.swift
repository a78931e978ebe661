import Foundation
import JourneyRuntime
import Testing
import WaymarkCluster

/// A snapshot carries a shard's whole committed state from one store into a fresh one.
struct ShardSnapshotTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func captureAndRestoreCarryCustomersTimersPendingSendsAndVersions() async throws {
        let source = InMemoryShardStore()
        let customer = CustomerState(customerID: "ada", profile: Profile(attributes: ["plan": .string("pro")]))
        let timer = TimerRequest(customerID: "ada", token: 3, due: now.addingTimeInterval(60), journeyID: "welcome")
        let pending = OutboundMessage.test(key: "welcome/1/hello/1/ada", time: now)
        let delivered = OutboundMessage.test(key: "welcome/1/other/1/ada", time: now)
        try await source.commit(ShardCommit(snapshots: [customer], timersSet: [timer], outbox: [pending, delivered], appliedInboxSequence: 7))
        try await source.updateOutbox([
            OutboxUpdate(idempotencyKey: delivered.idempotencyKey, status: .delivered, attempts: 1, nextAttemptAt: now),
            OutboxUpdate(idempotencyKey: pending.idempotencyKey, status: .pending, attempts: 2, nextAttemptAt: now.addingTimeInterval(5), lastError: "503"),
        ])

        let snapshot = try await ShardSnapshot.capture(shard: 2, appliedSequence: 7, logicalNow: now, from: source)
        #expect(snapshot.customers == [customer])
        #expect(snapshot.timers == [timer])
        #expect(snapshot.outbox.map(\.message.idempotencyKey) == [pending.idempotencyKey], "only sends still pending travel")

        let target = InMemoryShardStore()
        try await snapshot.restore(into: target, versions: [])
        #expect(try await target.customer("ada") == customer)
        #expect(try await target.recover().pendingTimers == [timer])
        #expect(try await target.recover().unappliedInbox.isEmpty)
        let outbox = await target.allOutbox()
        #expect(outbox.count == 1)
        #expect(outbox.first?.attempts == 2 && outbox.first?.lastError == "503", "retry state is kept")
        #expect(try await ShardSnapshot.capture(shard: 2, appliedSequence: 7, logicalNow: now, from: target) == snapshot)
    }
}

extension OutboundMessage {
    static func test(key: String, time: Date) -> OutboundMessage {
        OutboundMessage(
            idempotencyKey: key, kind: .send, time: time, customerID: "ada", journeyID: "welcome", version: 1, run: 1, stepID: "hello",
            visit: 1, channel: "email", template: nil, message: "hi", data: nil, webhook: nil, profile: .object([:]), event: nil, variant: nil)
    }
}
