import Distributed
import Foundation
import JourneyEngine
import JourneyRuntime
import Synchronization

/// An event as an ingest payload carries it: the argument of a forwarded call.
struct BenchEvent: Codable, Sendable {
    var customerID: String
    var event: String
    var id: String
    var time: Double
    var properties: [String: String]

    static let sample = BenchEvent(
        customerID: "sink-1", event: "order_completed", id: "evt-0000000001", time: 1_790_000_000,
        properties: ["order_id": "A-12345", "total": "129.90", "currency": "EUR", "channel": "web", "campaign": "autumn-sale", "coupon": "WELCOME10"])
}

/// Takes events and counts them: the receiving end of the forwarding benchmark.
distributed actor BenchSink {
    typealias ActorSystem = WaymarkActorSystem
    private var accepted = 0

    distributed func accept(_ event: BenchEvent) -> Int {
        accepted += 1
        return accepted
    }
}

/// The owner holds every customer (a `bench-*` id is a CustomerActor, `sink-*` a BenchSink);
/// the caller holds none, so its calls all travel.
final class BenchHost: LocalActorHost {
    let shardCount: Int
    let owns: Bool
    let system = Mutex<WaymarkActorSystem?>(nil)
    private let actors = Mutex<[CustomerActorID: any DistributedActor]>([:])

    init(shardCount: Int, owns: Bool) {
        self.shardCount = shardCount
        self.owns = owns
    }

    func holds(_ id: CustomerActorID) -> Bool { owns }

    func activate(_ id: CustomerActorID) async throws -> (any DistributedActor)? {
        guard owns, let system = system.withLock({ $0 }) else { return nil }
        return actors.withLock { actors in
            if let actor = actors[id] { return actor }
            let actor: any DistributedActor =
                id.customerID.hasPrefix("sink-")
                ? system.makeActor(id: id) { BenchSink(actorSystem: system) }
                : system.makeActor(id: id) { CustomerActor(state: CustomerState(customerID: id.customerID), actorSystem: system) }
            actors[id] = actor
            return actor
        }
    }
}
