import Distributed
import Foundation

/// Which customers this node owns, and their actors. The engine's shards hold the
/// actors; in a cluster the shards running here change as leases come and go, so
/// the actor system asks the host rather than keeping its own idea of ownership.
public protocol LocalActorHost: Sendable {
    /// Whether the customer's shard runs on this node now. Cheap and synchronous:
    /// ``WaymarkActorSystem/resolve(id:as:)`` cannot wait.
    func holds(_ id: CustomerActorID) -> Bool

    /// The customer's actor, activated from its shard's store when it was passivated;
    /// nil when this node does not own the customer's shard (the caller answers `moved`).
    func activate(_ id: CustomerActorID) async throws -> (any DistributedActor)?
}
