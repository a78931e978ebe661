import Foundation
import JourneyRuntime

/// The customer actors a shard holds in memory, activated from the store on
/// demand and passivated when idle, so memory holds active customers only.
///
/// Owned by one shard and used only from its isolation, so it needs no lock.
struct CustomerDirectory {
    private var actors: [String: Entry] = [:]
    /// How long an actor may sit unused before it is passivated.
    let idleTimeout: TimeInterval
    /// The most actors held at once; the least recently used go first beyond it.
    let maximumResident: Int

    struct Entry {
        let actor: CustomerActor
        var lastUsed: Date
    }

    init(idleTimeout: TimeInterval, maximumResident: Int) {
        self.idleTimeout = idleTimeout
        self.maximumResident = maximumResident
    }

    var count: Int { actors.count }

    func actor(_ customerID: String) -> CustomerActor? {
        actors[customerID]?.actor
    }

    mutating func touch(_ customerID: String, actor: CustomerActor, at now: Date) {
        actors[customerID] = Entry(actor: actor, lastUsed: now)
    }

    /// Forgets an actor whose in-memory state may be ahead of the store (after a failed commit).
    mutating func evict(_ customerID: String) {
        actors.removeValue(forKey: customerID)
    }

    /// Passivates actors idle longer than the timeout, then the least recently used beyond the limit.
    /// Their state is already committed, so dropping them loses nothing.
    mutating func passivate(now: Date) -> Int {
        let before = actors.count
        actors = actors.filter { now.timeIntervalSince($0.value.lastUsed) < idleTimeout }
        if actors.count > maximumResident {
            let excess = actors.count - maximumResident
            let oldest = actors.sorted { $0.value.lastUsed < $1.value.lastUsed }.prefix(excess).map(\.key)
            for id in oldest { actors.removeValue(forKey: id) }
        }
        return before - actors.count
    }
}
