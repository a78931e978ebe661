import Foundation
import JourneyEngine
import Testing
import WaymarkRemoting

/// With certificates configured, nodes talk over mutual TLS: a peer whose certificate does
/// not chain to the cluster's roots, or that offers none, never reaches an actor.
@Suite(.timeLimit(.minutes(2)))
struct MutualTLSTests {
    static func path(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: name, withExtension: "pem", subdirectory: "Fixtures/tls")).path
    }

    static func member() throws -> RemotingSettings.TLS {
        RemotingSettings.TLS(certificate: try path("node"), key: try path("node-key"), trustRoots: try path("cluster-ca"))
    }

    @Test func membersCallEachOtherOverMutualTLS() async throws {
        let tls = try Self.member()
        try await LoopbackNodes.with(["a", "b"], settings: { _, settings in settings.tls = tls }) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let id = CustomerActorID(customerID: "tls-1")
            await LoopbackNodes.assign(shard: b.routing.shard(of: id), to: b, in: nodes)
            let recorder = try Recorder.resolve(id: id, using: a.system)
            #expect(try await recorder.whereAmI() == "b")
        }
    }

    @Test(arguments: ["stranger's certificate", "no TLS at all"])
    func aPeerWithoutAClusterCertificateReachesNoActor(_ caller: String) async throws {
        let member = try Self.member()
        let stranger = RemotingSettings.TLS(certificate: try Self.path("stranger"), key: try Self.path("stranger-key"), trustRoots: try Self.path("cluster-ca"))
        try await LoopbackNodes.with(["a", "b"], settings: { name, settings in
            settings.tls = name == "b" ? member : (caller == "no TLS at all" ? nil : stranger)
            if name == "a" { settings.callTimeout = .seconds(2) }
        }) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let id = CustomerActorID(customerID: "tls-2")
            await LoopbackNodes.assign(shard: b.routing.shard(of: id), to: b, in: nodes)
            let recorder = try Recorder.resolve(id: id, using: a.system)
            let error = await #expect(throws: ActorSystemError.self) { _ = try await recorder.record(1) }
            #expect(error?.code == .unavailable || error?.code == .deadlineExceeded)
            #expect(b.transport.metrics.counts.served == 0)
        }
    }
}
