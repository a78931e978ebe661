import JourneyRuntime

/// Where a node's API puts accepted inputs. A single node appends them to its shards'
/// inboxes (``JourneyEngine``); a cluster node appends them to the shared inbox. Either
/// way `ingest` returns only once the inputs are durable.
public protocol InputSink: Sendable {
    /// Results are in input order; an event whose id was seen before is a `.duplicate`.
    func ingest(_ inputs: [InboxInput]) async throws -> [InboxAppendResult]
}

extension JourneyEngine: InputSink {}
