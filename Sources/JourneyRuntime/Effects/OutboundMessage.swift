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

    /// The key for a step execution; journey and step ids cannot contain `/`, so the key is unambiguous.
    public static func idempotencyKey(journeyID: String, run: Int, stepID: String, visit: Int, customerID: String) -> String {
        "\(journeyID)/\(run)/\(stepID)/\(visit)/\(customerID)"
    }
}
