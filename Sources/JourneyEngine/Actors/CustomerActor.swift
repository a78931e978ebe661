import Distributed
import Foundation
import JourneyRuntime

/// One customer: their profile and journey runs, changed one input at a time.
///
/// The actor serialises everything that happens to the customer; its shard
/// feeds it inputs in inbox order and commits what it returns. Its id is the
/// customer id, so any caller that can reach the actor system can address it
/// (`snapshot()`, `lookup(recentActions:)`), wherever the customer's shard lives.
///
/// While the customer is idle its shard may ask it to ``compact()``: the state is
/// then held packed (``CompactCustomerState``, a few hundred bytes instead of a
/// couple of kilobytes) until the next input unpacks it.
public distributed actor CustomerActor {
    public typealias ActorSystem = WaymarkActorSystem

    private enum Held {
        case live(CustomerState)
        case compact(CompactCustomerState)

        /// The state, unpacked if packed. Consuming, so a held value moved out is not copied.
        consuming func unpacked() -> CustomerState {
            switch consume self {
            case .live(let state): state
            case .compact(let compact): compact.decoded()
            }
        }
    }

    private var held: Held
    /// Whether the customer exists: loaded from the store, or changed by an input since.
    private var isKnown: Bool
    /// Where the customer's committed actions are read from (the shard's store).
    private let history: CustomerActionHistory?

    public init(state: CustomerState, isKnown: Bool = true, history: CustomerActionHistory? = nil, actorSystem: WaymarkActorSystem) {
        self.held = .live(state)
        self.isKnown = isKnown
        self.history = history
        self.actorSystem = actorSystem
    }

    /// The customer's current state: profile, runs in progress, history.
    public distributed func snapshot() -> CustomerState {
        state
    }

    /// The state, unpacked for reading (a compact customer stays compact).
    private var state: CustomerState {
        held.unpacked()
    }

    /// Packs the state until the next input; the shard calls this for customers idle a while.
    public func compact() {
        guard case .live(let state) = held else { return }
        held = .compact(CompactCustomerState(state))
    }

    /// Whether the state is packed (for tests and metrics).
    public var isCompact: Bool {
        if case .compact = held { return true }
        return false
    }

    /// The customer as the API shows them: their state and their latest committed actions,
    /// newest first; nil for a customer the node has never seen (no input, nothing stored).
    public distributed func lookup(recentActions limit: Int) async throws -> CustomerLookup? {
        guard isKnown else { return nil }
        let state = state
        let actions = try await history?.recentActions(of: state.customerID, limit: limit) ?? []
        return CustomerLookup(state: state, actions: actions)
    }

    /// Applies one input with the shard's interpreter and returns the effects and, when the
    /// shard commits snapshots (`returningState`), the new state. Local only: the interpreter
    /// is not something to send over a wire.
    public func apply(
        _ input: CustomerInput, at now: Date, using interpreter: Interpreter, returningState: Bool = true
    ) -> (effects: [Effect], state: CustomerState?) {
        // Move the state out of `held` rather than copy it: the interpreter's changes then find
        // its buffers uniquely referenced, and no retain and release of every field is paid.
        // The explicit `consume` matters: without it the optimizer copies (a profile shows it).
        var taken = Held.live(CustomerState(customerID: ""))
        swap(&taken, &held)
        var state = (consume taken).unpacked()
        let effects = interpreter.handle(input, state: &state, now: now)
        isKnown = true
        guard returningState else {
            held = .live(consume state)
            return (effects, nil)
        }
        held = .live(state)
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
