import Distributed
import Foundation
import JourneyEngine
import JourneyRuntime
import Testing

/// Which actor systems keep a registry of their actors: only those that take calls by id.
@Suite struct ActorRegistryTests {
    /// Answers every call with `unavailable`, so a proxy's calls are seen to leave the process.
    struct RefusingTransport: RemoteCallTransport {
        func send(_ envelope: RemoteCallEnvelope) async throws -> Data {
            throw ActorSystemError(.unavailable, "refused")
        }
    }

    static func customer(_ id: String, in system: WaymarkActorSystem) -> CustomerActor {
        system.makeActor(id: CustomerActorID(customerID: id)) { CustomerActor(state: CustomerState(customerID: id), actorSystem: system) }
    }

    @Test func aSystemWithATransportResolvesItsLiveActorsAndForgetsThemWhenTheyGo() throws {
        let system = WaymarkActorSystem(transport: RefusingTransport())
        do {
            let actor = Self.customer("c1", in: system)
            #expect(system.localActorCount == 1)
            #expect(try CustomerActor.resolve(id: CustomerActorID(customerID: "c1"), using: system) === actor)
        }
        #expect(system.localActorCount == 0)
    }

    /// A plain node or the simulator reaches its actors through its shards; registering them
    /// would only slow every retain of them (the registry's weak reference).
    @Test func aPlainSystemKeepsNoRegistryAndItsProxiesHaveNowhereToGo() async throws {
        let system = WaymarkActorSystem()
        let actor = Self.customer("c1", in: system)
        #expect(system.localActorCount == 0)
        let proxy = try CustomerActor.resolve(id: CustomerActorID(customerID: "c1"), using: system)
        #expect(proxy !== actor)
        let error = await #expect(throws: ActorSystemError.self) { _ = try await proxy.snapshot() }
        #expect(error?.code == .noTransport)
        // The actor itself still answers: its shard calls it directly.
        #expect(try await actor.snapshot().customerID == "c1")
    }
}
