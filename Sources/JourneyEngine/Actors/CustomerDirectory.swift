import DequeModule
import Foundation
import JourneyRuntime

/// The customer actors a shard holds in memory, activated from the store on
/// demand and passivated when idle, so memory holds active customers only.
///
/// Owned by one shard and used only from its isolation, so it needs no lock.
///
/// Passivation is least-recently-used: every touch is appended to a queue in
/// touch order, and since a shard's time never goes backwards that is also
/// `lastUsed` order. Passivating pops from the front (skipping entries a later
/// touch made stale) only as far as it removes something, so its cost is the
/// number of actors it passivates, not the number resident.
///
/// Compaction walks the same queue with a second cursor: every live entry whose
/// stamp is at most ``compactedThrough`` has been handed out for compaction, and
/// a touch gives a newer stamp, so a customer used again leaves that set by itself.
struct CustomerDirectory {
    private var actors: [String: Entry] = [:]
    /// Touches in order: the customer and the stamp of that touch.
    private var recency = Deque<(customerID: String, stamp: UInt64)>()
    private var nextStamp: UInt64 = 0
    /// How long an actor may sit unused before it is passivated.
    let idleTimeout: TimeInterval
    /// The most actors held at once; the least recently used go first beyond it.
    let maximumResident: Int
    /// How long an actor may sit unused before its state is packed.
    let compactAfter: TimeInterval
    /// Touches up to this stamp have been considered for compaction.
    private var compactedThrough: UInt64 = 0

    struct Entry {
        let actor: CustomerActor
        var lastUsed: Date
        var stamp: UInt64
    }

    /// Whether touches are queued: not when no actor is ever passivated or packed (the
    /// simulator), where the queue would only grow and be rebuilt.
    private let keepsRecency: Bool

    init(idleTimeout: TimeInterval, maximumResident: Int, compactAfter: TimeInterval = .infinity) {
        self.idleTimeout = idleTimeout
        self.maximumResident = maximumResident
        self.compactAfter = compactAfter
        keepsRecency = idleTimeout.isFinite || maximumResident < .max || compactAfter.isFinite
    }

    var count: Int { actors.count }

    func actor(_ customerID: String) -> CustomerActor? {
        actors[customerID]?.actor
    }

    mutating func touch(_ customerID: String, actor: CustomerActor, at now: Date) {
        nextStamp += 1
        actors[customerID] = Entry(actor: actor, lastUsed: now, stamp: nextStamp)
        queueTouch(customerID)
    }

    /// The customer's resident actor, touched; nil when it is not resident. One hash lookup
    /// for the common case of an input to a customer already in memory.
    mutating func touchResident(_ customerID: String, at now: Date) -> CustomerActor? {
        guard let index = actors.index(forKey: customerID) else { return nil }
        nextStamp += 1
        actors.values[index].lastUsed = now
        actors.values[index].stamp = nextStamp
        queueTouch(customerID)
        return actors.values[index].actor
    }

    private mutating func queueTouch(_ customerID: String) {
        guard keepsRecency else { return }
        recency.append((customerID, nextStamp))
        // Stale entries (customers touched again, or evicted) are dropped when they reach the
        // front; keep the queue from growing without bound when the same customers come back.
        if recency.count > 2 * actors.count + 1024 { rebuildRecency() }
    }

    /// Forgets an actor whose in-memory state may be ahead of the store (after a failed commit).
    mutating func evict(_ customerID: String) {
        actors.removeValue(forKey: customerID)
    }

    /// Passivates actors idle longer than the timeout, then the least recently used beyond the limit.
    /// Their state is already committed, so dropping them loses nothing.
    mutating func passivate(now: Date) -> Int {
        let before = actors.count
        while let front = recency.first {
            guard let entry = actors[front.customerID], entry.stamp == front.stamp else {
                recency.removeFirst()
                continue
            }
            guard now.timeIntervalSince(entry.lastUsed) >= idleTimeout || actors.count > maximumResident else { break }
            recency.removeFirst()
            actors.removeValue(forKey: front.customerID)
        }
        return before - actors.count
    }

    /// Up to `limit` actors idle for `compactAfter` or longer that were not handed out before,
    /// least recently used first. Costs the number returned plus a binary search.
    mutating func idleToCompact(now: Date, limit: Int) -> [CustomerActor] {
        guard compactAfter.isFinite else { return [] }
        var index = firstTouch(after: compactedThrough)
        var idle: [CustomerActor] = []
        while index < recency.count, idle.count < limit {
            let touch = recency[index]
            if let entry = actors[touch.customerID], entry.stamp == touch.stamp {
                guard now.timeIntervalSince(entry.lastUsed) >= compactAfter else { break }
                idle.append(entry.actor)
            }
            compactedThrough = touch.stamp
            index += 1
        }
        return idle
    }

    /// The position of the first touch with a stamp above `stamp` (the queue is in stamp order).
    private func firstTouch(after stamp: UInt64) -> Int {
        var low = 0
        var high = recency.count
        while low < high {
            let middle = (low + high) / 2
            if recency[middle].stamp <= stamp { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Rebuilds the queue from the live entries, in touch order.
    private mutating func rebuildRecency() {
        let live = actors.map { (customerID: $0.key, stamp: $0.value.stamp) }.sorted { $0.stamp < $1.stamp }
        recency = Deque(live)
    }
}
