import JourneyRuntime

/// Where customer actors read their committed actions from: their shard's store.
///
/// One per shard, shared by all of its actors. An actor keeps an 8-byte reference to
/// it rather than the store itself, an existential of five words: with a million
/// resident customers that difference alone is 32 MB.
public final class CustomerActionHistory: Sendable {
    let store: any ShardStore

    public init(store: any ShardStore) {
        self.store = store
    }

    func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord] {
        try await store.recentActions(of: customerID, limit: limit)
    }
}
