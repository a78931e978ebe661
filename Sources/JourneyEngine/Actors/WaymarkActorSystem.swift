import Distributed
import Foundation
import Synchronization

/// The actor system every customer actor lives in. Its identity scheme is the
/// customer id: resolving an id gives the local actor when this process holds
/// it. Calls to actors elsewhere go through a ``RemoteCallTransport``; a
/// single node has none, and the cluster plugs its gRPC transport in here
/// without customer actors changing.
///
/// In a cluster a ``LocalActorHost`` says which customers this node owns (their
/// shard runs here) and activates their actors on demand: ``resolve(id:as:)``
/// gives the resident actor only while the host owns it, a call through a proxy
/// to a customer owned here runs in process (``executeLocally(_:)``) instead of
/// looping through the network, and calls from other nodes arrive at
/// ``executeLocally(_:)`` too.
public final class WaymarkActorSystem: DistributedActorSystem, Sendable {
    public typealias ActorID = CustomerActorID
    public typealias InvocationEncoder = WaymarkInvocationEncoder
    public typealias InvocationDecoder = WaymarkInvocationDecoder
    public typealias ResultHandler = WaymarkResultHandler
    public typealias SerializationRequirement = Codable

    /// The id the next actor initialised on this task takes (actors cannot choose their id in `init`).
    @TaskLocal static var pendingID: CustomerActorID?

    private let registry = Mutex<[CustomerActorID: WeakActor]>([:])
    private let transport: (any RemoteCallTransport)?
    let host: (any LocalActorHost)?
    /// Whether actors are entered in the registry, so that ``resolve(id:as:)`` finds them.
    ///
    /// Only a system that takes calls by id needs it: one with a transport or a host (a
    /// cluster node). A plain node or the simulator reaches its actors through its shards and
    /// never resolves one, and the registry's weak reference gives every actor a refcount side
    /// table, which makes each retain and release of it take the slow path: about 4% of a
    /// simulation, paid for a lookup nobody makes.
    private let registers: Bool

    public init(transport: (any RemoteCallTransport)? = nil, host: (any LocalActorHost)? = nil) {
        self.transport = transport
        self.host = host
        registers = transport != nil || host != nil
    }

    /// Creates an actor whose id is `id`.
    public func makeActor<Act: DistributedActor>(id: CustomerActorID, _ make: () -> Act) -> Act where Act.ActorSystem == WaymarkActorSystem {
        Self.$pendingID.withValue(id) { make() }
    }

    public func resolve<Act>(id: CustomerActorID, as actorType: Act.Type) throws -> Act? where Act: DistributedActor, Act.ID == CustomerActorID {
        // A resident actor whose shard moved away is stale: the new owner answers for it.
        if host?.holds(id) != false, let local = registry.withLock({ $0[id]?.actor }) {
            guard let typed = local as? Act else { throw ActorSystemError(.wrongActorType, "actor \(id) is a \(type(of: local)), not a \(actorType)") }
            return typed
        }
        // Not held here: the runtime makes a proxy whose calls go to `remoteCall`.
        return nil
    }

    /// Runs `call` on the actor of `id`, wherever its shard runs. A call made here, on a
    /// customer this node held, that fails after the shard left this node is made once more,
    /// at the new owner: a handover closes the shard's store under a read in flight, and that
    /// failure says nothing about the customer. Only for reads (see ``executeLocally(_:)``).
    public func callOwner<Act: DistributedActor, Result: Sendable>(
        of id: CustomerActorID, as actorType: Act.Type, _ call: (Act) async throws -> Result
    ) async throws -> Result where Act.ActorSystem == WaymarkActorSystem {
        let heldHere = host?.holds(id) == true
        do {
            return try await call(try Act.resolve(id: id, using: self))
        } catch {
            guard heldHere, host?.holds(id) == false else { throw error }
            return try await call(try Act.resolve(id: id, using: self))
        }
    }

    public func assignID<Act>(_ actorType: Act.Type) -> CustomerActorID where Act: DistributedActor, Act.ID == CustomerActorID {
        Self.pendingID ?? CustomerActorID(customerID: "anonymous-\(registry.withLock { $0.count })")
    }

    public func actorReady<Act>(_ actor: Act) where Act: DistributedActor, Act.ID == CustomerActorID {
        guard registers else { return }
        registry.withLock { $0[actor.id] = WeakActor(actor: actor) }
    }

    public func resignID(_ id: CustomerActorID) {
        guard registers else { return }
        registry.withLock { registry in
            if registry[id]?.actor == nil { registry.removeValue(forKey: id) }
        }
    }

    /// Actors of this system alive in this process and entered in its registry (none when it
    /// keeps no registry: no transport and no host).
    public var localActorCount: Int {
        registry.withLock { registry in registry.values.count { $0.actor != nil } }
    }

    public func makeInvocationEncoder() -> WaymarkInvocationEncoder {
        WaymarkInvocationEncoder()
    }

    public func remoteCall<Act, Err, Res>(
        on actor: Act, target: RemoteCallTarget, invocation: inout WaymarkInvocationEncoder,
        throwing: Err.Type, returning: Res.Type
    ) async throws -> Res where Act: DistributedActor, Act.ID == CustomerActorID, Err: Error, Res: Codable {
        let reply = try await call(actor.id, target: target, invocation: invocation)
        return try JSONDecoder().decode(Res.self, from: reply)
    }

    public func remoteCallVoid<Act, Err>(
        on actor: Act, target: RemoteCallTarget, invocation: inout WaymarkInvocationEncoder, throwing: Err.Type
    ) async throws where Act: DistributedActor, Act.ID == CustomerActorID, Err: Error {
        _ = try await call(actor.id, target: target, invocation: invocation)
    }

    private func call(_ id: CustomerActorID, target: RemoteCallTarget, invocation: WaymarkInvocationEncoder) async throws -> Data {
        let envelope = RemoteCallEnvelope(
            recipient: id, target: RemoteCallTargets.stableName(of: target.identifier),
            genericSubstitutions: invocation.genericSubstitutions, arguments: invocation.arguments)
        // Owned here but passivated (resolve gave a proxy): run it in process, no network hop.
        if host?.holds(id) == true {
            return try await executeLocally(envelope)
        }
        guard let transport else {
            throw ActorSystemError(.noTransport, "customer \(id.customerID) is not held by this process and no cluster transport is configured",
                context: ["customer.id": id.customerID])
        }
        return try await transport.send(envelope)
    }
}

/// A weak reference, so the registry never keeps a passivated actor alive.
struct WeakActor: Sendable {
    weak var actor: (any DistributedActor)?
}

/// The id of a customer actor: the customer id.
public struct CustomerActorID: Hashable, Codable, Sendable, CustomStringConvertible {
    public var customerID: String

    public init(customerID: String) {
        self.customerID = customerID
    }

    public var description: String { customerID }
}
