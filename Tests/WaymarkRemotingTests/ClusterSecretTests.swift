import Foundation
import GRPCCore
import JourneyEngine
import Testing
@testable import WaymarkRemoting

/// A node refuses calls from peers that do not know the cluster's secret.
@Suite(.timeLimit(.minutes(2)))
struct ClusterSecretTests {
    @Test func aPeerWithTheWrongSecretIsRefusedUnauthenticated() async throws {
        try await LoopbackNodes.with(["a", "b"], settings: { name, settings in
            if name == "a" { settings.secret = "not-the-secret" }
        }) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let id = CustomerActorID(customerID: "guarded-1")
            await LoopbackNodes.assign(shard: b.routing.shard(of: id), to: b, in: nodes)
            let recorder = try Recorder.resolve(id: id, using: a.system)
            let error = await #expect(throws: ActorSystemError.self) { _ = try await recorder.record(1) }
            #expect(error?.code == .unauthenticated)
            #expect(b.transport.metrics.counts.served == 0)
            // Nothing reached the actor.
            let local = try Recorder.resolve(id: id, using: b.system)
            #expect(try await local.log() == [])
        }
    }

    @Test func aCallWithoutTheSecretIsRefusedBeforeItIsRead() async throws {
        try await LoopbackNodes.with(["b"]) { nodes in
            let b = nodes[0]
            let id = CustomerActorID(customerID: "guarded-2")
            await LoopbackNodes.assign(shard: b.routing.shard(of: id), to: b, in: nodes)
            let envelope = try RemoteCallEnvelope(recipient: id, target: "CustomerActor.snapshot()").encoded()
            let error = await #expect(throws: RPCError.self) { _ = try await RawCall.send(Array(envelope), to: b.address, secret: nil) }
            #expect(error?.code == .unauthenticated)
            #expect(error?.metadata[stringValues: RemotingMethods.errorCodeKey].first(where: { _ in true }) == "unauthenticated")
            #expect(b.transport.metrics.counts.served == 0)
        }
    }

    @Test func theSecretComparisonNeedsEveryByte() {
        #expect(ClusterSecretServerInterceptor.equal(Array("abc".utf8), Array("abc".utf8)))
        #expect(!ClusterSecretServerInterceptor.equal(Array("abc".utf8), Array("abd".utf8)))
        #expect(!ClusterSecretServerInterceptor.equal(Array("abc".utf8), Array("abcd".utf8)))
    }
}
