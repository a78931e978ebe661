import Foundation
import JourneyRuntime

/// Delivers messages on one channel: a webhook, a file, the log, an SMS gateway…
///
/// Adapters must treat ``Delivery/idempotencyKey`` as the identity of a
/// message: the relay may deliver the same key again after a crash between a
/// successful delivery and recording it, and the receiving side (or the
/// adapter) must not turn that into a second message.
public protocol ChannelAdapter: Sendable {
    func deliver(_ delivery: Delivery) async throws
}

/// A message ready to go out: the outbox entry plus its rendered text.
public struct Delivery: Sendable {
    public var message: OutboundMessage
    /// The rendered template or inline message (or webhook body); nil when there is nothing to render.
    public var body: String?
    /// 1 for the first attempt.
    public var attempt: Int

    public init(message: OutboundMessage, body: String?, attempt: Int) {
        self.message = message
        self.body = body
        self.attempt = attempt
    }

    public var idempotencyKey: String { message.idempotencyKey }
}

/// Why a delivery failed, and whether trying again could help.
public struct DeliveryError: Error, CustomStringConvertible, Sendable {
    /// True for timeouts, 5xx, connection failures; false for a request the receiver rejects (4xx).
    public var isRetryable: Bool
    public var message: String

    public init(retryable: Bool, _ message: String) {
        self.isRetryable = retryable
        self.message = message
    }

    public var description: String { message }
}

/// Turns an outbox message into the text an adapter sends (templates, inline messages, webhook bodies).
public protocol MessageRenderer: Sendable {
    func render(_ message: OutboundMessage) throws -> String?
}

/// Renders nothing: adapters get the structured message only.
public struct NoRenderer: MessageRenderer {
    public init() {}
    public func render(_ message: OutboundMessage) throws -> String? { message.message }
}
