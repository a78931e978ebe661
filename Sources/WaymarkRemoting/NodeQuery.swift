import Foundation
import JourneyEngine

/// A question to a node rather than to an actor: what the node itself knows, such as
/// its journey stats since it started. The node registers a ``NodeQueryHandler``; a
/// cluster-wide answer asks every live node and combines what they say.
public struct NodeQuery: Codable, Sendable, Hashable {
    /// What is asked: `journey_stats`, ….
    public var name: String
    /// The question's argument (a journey id, …), JSON.
    public var payload: Data

    public init(name: String, payload: Data = Data()) {
        self.name = name
        self.payload = payload
    }
}

/// Answers ``NodeQuery``s on the receiving node (the HTTP layer implements it).
public protocol NodeQueryHandler: Sendable {
    /// The answer, JSON; an unknown query name throws `unknownTarget`.
    func answer(_ query: NodeQuery) async throws -> Data
}
