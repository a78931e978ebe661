import Logging

/// Writes each delivery to the log: for channels that are configured but not wired
/// to a real provider yet, and for development.
public struct LogChannelAdapter: ChannelAdapter {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func deliver(_ delivery: Delivery) async throws {
        let message = delivery.message
        logger.info("message delivered", metadata: [
            "customer.id": "\(message.customerID)", "journey.id": "\(message.journeyID)", "step.id": "\(message.stepID)",
            "channel": "\(message.channel)", "idempotency_key": "\(message.idempotencyKey)",
            "body": "\(delivery.body ?? "")",
        ])
    }
}
