import JourneyRuntime

/// The stored snapshots of the customers a batch brings in who are not resident, read in one
/// store call before the batch is applied.
///
/// Read one at a time, each activation cost a hop to the store's reader thread and back;
/// a profile of a node taking in new customers showed those hand-offs (futex waits and wake-ups)
/// as the largest cost of applying. A snapshot read ahead is only good until the shard next
/// commits: a batch applied meanwhile (a reentrant call) may have changed and let go of the
/// customer, so after any commit the reads fall back to the store.
struct PrefetchedSnapshots {
    /// Per customer read ahead: the stored state, or nil for a customer the store has never seen.
    private var states: [String: CustomerState?] = [:]
    /// The shard's last committed batch when the snapshots were read.
    private var readAfterBatch = 0

    init() {}

    init(_ found: [String: CustomerState], asked: some Sequence<String>, committedBatch: Int) {
        for id in asked { states[id] = .some(found[id]) }
        readAfterBatch = committedBatch
    }

    /// The customer's snapshot read ahead (`.some(nil)`: known to be new), once; nil when it was
    /// not read ahead or the shard has committed since.
    mutating func take(_ customerID: String, committedBatch: Int) -> CustomerState?? {
        guard committedBatch == readAfterBatch else {
            states = [:]
            return nil
        }
        return states.removeValue(forKey: customerID)
    }
}

extension Shard {
    /// Reads ahead the snapshots of the customers in `work` who are not resident.
    func prefetchSnapshots(for work: [ShardWork]) async throws -> PrefetchedSnapshots {
        guard commitsCustomerState else { return PrefetchedSnapshots() }
        var missing: Set<String> = []
        for item in work where directory.actor(item.customerID) == nil {
            missing.insert(item.customerID)
        }
        guard !missing.isEmpty else { return PrefetchedSnapshots() }
        let batch = committedBatch
        let found = try await store.customers(Array(missing))
        return PrefetchedSnapshots(found, asked: missing, committedBatch: batch)
    }
}
