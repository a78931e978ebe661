import Distributed
import Foundation
import JourneyRuntime

/// One customer: their profile and journey runs, changed one input at a time.
///
/// The actor serialises everything that happens to the customer; its shard
/// feeds it inputs in inbox order and commits what it returns. Its id is the
/// customer id, so any caller that can reach the actor system can address it
/// (`snapshot()`, `lookup(recentActions:)`), wherever the customer's shard lives.
public distributed actor CustomerActor {
    public typealias ActorSystem = WaymarkActorSystem

    private var state: CustomerState
    /// Whether the customer exists: loaded from the store, or changed by an input since.
    private var isKnown: Bool
    /// The shard's store, where the customer's committed actions are read from.
    private let history: (any ShardStore)?

    public init(state: CustomerState, isKnown: Bool = true, history: (any ShardStore)? = nil, actorSystem: WaymarkActorSystem) {
        self.state = state
        self.isKnown = isKnown
        self.history = history
        self.actorSystem = actorSystem
    }

    /// The customer's current state: profile, runs in progress, history.
    public distributed func snapshot() -> CustomerState {
        state
    }

    /// The customer as the API shows them: their state and their latest committed actions,
    /// newest first; nil for a customer the node has never seen (no input, nothing stored).
    public distributed func lookup(recentActions limit: Int) async throws -> CustomerLookup? {
        guard isKnown else { return nil }
        let actions = try await history?.recentActions(of: state.customerID, limit: limit) ?? []
        return CustomerLookup(state: state, actions: actions)
    }

    /// Applies one input with the shard's interpreter and returns the effects and the new state
    /// (which the shard commits). Local only: the interpreter is not something to send over a wire.
    public func apply(_ input: CustomerInput, at now: Date, using interpreter: Interpreter) -> (effects: [Effect], state: CustomerState) {
        let effects = interpreter.handle(input, state: &state, now: now)
        isKnown = true
        return (effects, state)
    }
}

/// A customer as the API shows them, in one answer from the owner's actor.
public struct CustomerLookup: Sendable, Hashable, Codable {
    public var state: CustomerState
    public var actions: [ActionRecord]

    public init(state: CustomerState, actions: [ActionRecord]) {
        self.state = state
        self.actions = actions
    }
}
