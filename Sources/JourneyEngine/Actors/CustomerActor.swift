import Distributed
import Foundation
import JourneyRuntime

/// One customer: their profile and journey runs, changed one input at a time.
///
/// The actor serialises everything that happens to the customer; its shard
/// feeds it inputs in inbox order and commits what it returns. Its id is the
/// customer id, so any caller that can reach the actor system can address it
/// (`snapshot()`), wherever the customer's shard lives.
public distributed actor CustomerActor {
    public typealias ActorSystem = WaymarkActorSystem

    private var state: CustomerState

    public init(state: CustomerState, actorSystem: WaymarkActorSystem) {
        self.state = state
        self.actorSystem = actorSystem
    }

    /// The customer's current state: profile, runs in progress, history.
    public distributed func snapshot() -> CustomerState {
        state
    }

    /// Applies one input with the shard's interpreter and returns the effects and the new state
    /// (which the shard commits). Local only: the interpreter is not something to send over a wire.
    public func apply(_ input: CustomerInput, at now: Date, using interpreter: Interpreter) -> (effects: [Effect], state: CustomerState) {
        let effects = interpreter.handle(input, state: &state, now: now)
        return (effects, state)
    }
}
