import Foundation
import GRPCCore
import JourneyEngine
import JourneyRuntime
import Testing
@testable import WaymarkRemoting

/// Envelopes written by an older release still run; a newer release's are refused, typed.
@Suite(.timeLimit(.minutes(2)))
struct EnvelopeVersioningTests {
    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        return try Data(contentsOf: url)
    }

    @Test func aVersionOneEnvelopeDecodesWithItsTargetMappedToTheStableName() throws {
        let envelope = try RemoteCallEnvelope.decode(Self.fixture("envelope-v1-snapshot.json"))
        #expect(envelope.recipient == CustomerActorID(customerID: "customer-v1"))
        #expect(envelope.target == "CustomerActor.snapshot()")
        #expect(envelope.arguments.isEmpty)
        #expect(envelope.timeoutMilliseconds == nil)
    }

    @Test func aVersionOneEnvelopeRunsOnTheNewReceiver() async throws {
        try await LoopbackNodes.with(["b"]) { nodes in
            let b = nodes[0]
            let id = CustomerActorID(customerID: "customer-v1")
            await LoopbackNodes.assign(shard: b.routing.shard(of: id), to: b, in: nodes)
            let reply = try await RawCall.send(Array(try Self.fixture("envelope-v1-snapshot.json")), to: b.address, secret: "s3cret")
            let state = try JSONDecoder().decode(CustomerState.self, from: Data(reply))
            #expect(state.customerID == "customer-v1")
        }
    }

    @Test func aNewerVersionIsRefusedUnsupportedVersion() async throws {
        let future = Data(#"{"version": 99, "recipient": "customer-v1", "target": "CustomerActor.snapshot()", "hologram": true}"#.utf8)
        let error = #expect(throws: ActorSystemError.self) { try RemoteCallEnvelope.decode(future) }
        #expect(error?.code == .unsupportedVersion)
        try await LoopbackNodes.with(["b"]) { nodes in
            let b = nodes[0]
            let rpcError = await #expect(throws: RPCError.self) { _ = try await RawCall.send(Array(future), to: b.address, secret: "s3cret") }
            #expect(rpcError?.metadata[stringValues: RemotingMethods.errorCodeKey].first(where: { _ in true }) == "unsupported_version")
        }
    }

    @Test func everyVersionThisReleaseWritesReadsBackTheSame() throws {
        let envelope = RemoteCallEnvelope(
            recipient: CustomerActorID(customerID: "ü/ 1"), target: "CustomerActor.snapshot()", arguments: [Data("[1]".utf8)])
        for version in RemoteCallEnvelope.oldestReadableVersion...RemoteCallEnvelope.currentVersion {
            #expect(try RemoteCallEnvelope.decode(envelope.encoded(version: version)) == envelope)
        }
    }

    @Test func stableTargetNamesMatchWhatTheRuntimeRecords() async throws {
        let capture = CapturingTransport()
        let system = WaymarkActorSystem(transport: capture)
        let customer = try CustomerActor.resolve(id: CustomerActorID(customerID: "elsewhere"), using: system)
        _ = try? await customer.snapshot()
        _ = try? await customer.lookup(recentActions: 5)
        // A rename that changes a mangled name breaks this, not the cluster.
        #expect(capture.sent.map(\.target) == ["CustomerActor.snapshot()", "CustomerActor.lookup(recentActions:)"])
        #expect(Set(RemoteCallTargets.known.keys) == ["CustomerActor.snapshot()", "CustomerActor.lookup(recentActions:)"])
    }
}

/// Records what would be sent, and answers nothing.
final class CapturingTransport: RemoteCallTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var envelopes: [RemoteCallEnvelope] = []

    var sent: [RemoteCallEnvelope] { lock.withLock { envelopes } }

    func send(_ envelope: RemoteCallEnvelope) async throws -> Data {
        lock.withLock { envelopes.append(envelope) }
        throw ActorSystemError(.unavailable, "captured")
    }
}
