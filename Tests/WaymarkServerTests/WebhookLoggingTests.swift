import AsyncHTTPClient
import Logging
import Testing
import WaymarkServer

/// What a webhook delivery costs the node's log handler. async-http-client stamps each
/// request's connection and event loop on the logger it is given, and a `StreamLogHandler`
/// formats all its metadata again on every stamp; a node delivering thousands of webhooks a
/// second paid that for log lines it then dropped.
@Suite struct WebhookLoggingTests {
    @Test func aboveDebugADeliveryNeverTouchesTheNodesLogHandler() async throws {
        let record = LogRecord()
        let logger = Logger(label: "node", factory: { _ in RecordingLogHandler(record: record, logLevel: .info) })
        try await ChannelTests.withReceiver(WebhookReceiver(), logger: logger) { adapter, delivery, _ in
            try await adapter.deliver(delivery)
            try await adapter.deliver(delivery)
        }
        #expect(record.metadataStamps == 0, "the client stamped its metadata on the node's handler")
        #expect(record.lines.isEmpty)
    }

    @Test func atDebugTheClientsRequestLinesStillReachTheNodesLog() async throws {
        let record = LogRecord()
        let logger = Logger(label: "node", factory: { _ in RecordingLogHandler(record: record, logLevel: .debug) })
        try await ChannelTests.withReceiver(WebhookReceiver(), logger: logger) { adapter, delivery, _ in
            try await adapter.deliver(delivery)
        }
        #expect(record.metadataStamps > 0)
        // The client's own lines, with the metadata it stamps (`ahc-connection-id`, …).
        #expect(record.lines.contains { $0.metadata.keys.contains { $0.hasPrefix("ahc-") } }, "\(record.lines.map { ($0.message, $0.metadata) })")
    }
}
