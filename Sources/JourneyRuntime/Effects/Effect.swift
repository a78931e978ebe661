import Foundation
import JourneyModel

/// What the interpreter asks the world to do after one input. The interpreter
/// only decides; actors, stores and the outbox relay perform these.
public enum Effect: Sendable, Hashable, Codable {
    /// Something that happened, for `actions.jsonl`, live stats and customer history.
    case action(ActionRecord)
    /// A message or webhook to put in the outbox. Boxed: a message is more than twice the size
    /// of any other effect, and every effect would otherwise take its room when it is moved.
    indirect case deliver(OutboundMessage)
    /// Ask for `TimerFiring(token)` at `due`.
    case setTimer(TimerRequest)
    /// The timer with this token is no longer wanted (its firing would be ignored anyway).
    case cancelTimer(token: UInt64)
    /// Step-level detail for reports: steps reached, edges taken, waits resolved.
    case trace(StepTrace)
}

/// A timer a customer's state wants.
public struct TimerRequest: Sendable, Hashable, Codable {
    public var customerID: String
    public var token: UInt64
    public var due: Date
    /// The journey it belongs to (for metrics and undeploys).
    public var journeyID: String

    public init(customerID: String, token: UInt64, due: Date, journeyID: String) {
        self.customerID = customerID
        self.token = token
        self.due = due
        self.journeyID = journeyID
    }
}

/// One line of the action log. The field set and names follow the simulation
/// contract's `actions.jsonl`.
public struct ActionRecord: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case enter, send, suppressed, webhook, update, goal, exit
    }

    public var time: Date
    public var customer: String
    public var journey: String
    public var version: Int
    public var run: Int
    public var step: String?
    public var action: Kind
    public var channel: String?
    public var template: String?
    public var variant: String?
    /// Why a send was suppressed, why a run ended, or what went wrong in an update.
    public var reason: String?

    public init(
        time: Date, customer: String, journey: String, version: Int, run: Int, step: String?, action: Kind,
        channel: String? = nil, template: String? = nil, variant: String? = nil, reason: String? = nil
    ) {
        self.time = time
        self.customer = customer
        self.journey = journey
        self.version = version
        self.run = run
        self.step = step
        self.action = action
        self.channel = channel
        self.template = template
        self.variant = variant
        self.reason = reason
    }
}

/// Step-level facts that do not appear in the action log but feed reports.
public struct StepTrace: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        /// The run arrived at the step.
        case reached
        /// The run left `step` for `to` (`nil`: the end) along the edge labelled `label`.
        case edge(to: String?, label: String)
        /// A `wait_for` ended because its event came.
        case matched
        /// A `wait_for` ended because its timeout passed.
        case timedOut
        /// At this split the run joined the variant in ``StepTrace/variant`` (`holdout` included).
        /// Emitted only when the run was not in that variant already: a run that comes back to
        /// the split, or passes another split with the same variant name, is one variant run,
        /// which is what per-variant conversion rates divide by.
        case assigned
    }

    public var journey: String
    public var version: Int
    public var step: String
    public var variant: String?
    public var kind: Kind

    public init(journey: String, version: Int, step: String, variant: String?, kind: Kind) {
        self.journey = journey
        self.version = version
        self.step = step
        self.variant = variant
        self.kind = kind
    }
}
