import Foundation
import JourneyModel

/// A send or webhook call, as it goes into the outbox. It carries everything
/// needed to render and deliver it later, on any node, after any restart.
public struct OutboundMessage: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case send, webhook
    }

    /// `journey/run/step/visit/customer`: the same send always has the same key, so a retried
    /// or replayed delivery is recognised downstream and never becomes a second message.
    public var idempotencyKey: String
    public var kind: Kind
    public var time: Date
    public var customerID: String
    public var journeyID: String
    public var version: Int
    public var run: Int
    public var stepID: String
    public var visit: Int
    /// The chosen channel (`webhook` for webhook steps).
    public var channel: String
    public var template: String?
    public var message: String?
    public var data: JSONValue?
    public var webhook: Webhook?
    /// The profile and event as they were when the send was decided, for rendering.
    public var profile: JSONValue
    public var event: EventContext?
    public var variant: String?
    /// When the run entered: templates show it as `{{journey.entered_at}}`. Nil in messages
    /// stored before it was recorded.
    public var enteredAt: Date?

    public init(
        idempotencyKey: String, kind: Kind, time: Date, customerID: String, journeyID: String, version: Int, run: Int,
        stepID: String, visit: Int, channel: String, template: String?, message: String?, data: JSONValue?,
        webhook: Webhook?, profile: JSONValue, event: EventContext?, variant: String?, enteredAt: Date? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.kind = kind
        self.time = time
        self.customerID = customerID
        self.journeyID = journeyID
        self.version = version
        self.run = run
        self.stepID = stepID
        self.visit = visit
        self.channel = channel
        self.template = template
        self.message = message
        self.data = data
        self.webhook = webhook
        self.profile = profile
        self.event = event
        self.variant = variant
        self.enteredAt = enteredAt
    }

    /// The key for a step execution; journey and step ids cannot contain `/`, so the key is unambiguous.
    public static func idempotencyKey(journeyID: String, run: Int, stepID: String, visit: Int, customerID: String) -> String {
        "\(journeyID)/\(run)/\(stepID)/\(visit)/\(customerID)"
    }
}
