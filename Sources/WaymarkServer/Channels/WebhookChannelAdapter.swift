import AsyncHTTPClient
import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging
import NIOCore
import NIOHTTP1

/// Delivers messages over HTTP with async-http-client.
///
/// A send POSTs a JSON document (the message, its rendered body and the
/// customer's address) to the channel's URL; a `webhook` step calls its own URL
/// (rendered with Mustache) with its method, headers and rendered body. Every
/// request carries `Idempotency-Key`, the message's stable key, so a receiver
/// can drop the repeat of a delivery that succeeded but was not recorded.
///
/// 2xx is success. 5xx, 408, 429, timeouts and connection failures are
/// retryable; other 4xx mean the receiver refuses the message, and retrying
/// would not help. A 3xx is final too: the node's client does not follow
/// redirects (following one turns a POST into a bodiless GET), so the message
/// did not arrive, and the failure names where the receiver moved.
public struct WebhookChannelAdapter: ChannelAdapter {
    public let url: String?
    public let timeout: TimeInterval
    /// The profile field sent as `address`.
    public let addressField: String?
    let client: HTTPClient
    let renderer: MustacheMessageRenderer?
    /// What each request is given to log with: the node's logger at debug and trace, else one
    /// that keeps nothing. async-http-client logs a request only at debug and trace, but stamps
    /// metadata (its connection, its event loop) on the logger it is given for every request,
    /// and a `StreamLogHandler` formats all its metadata again on every stamp, for lines it then
    /// drops: 73 of 11,865 samples of a node benchmark run, 3 with this.
    let requestLogger: Logger

    public init(url: String?, timeout: TimeInterval, addressField: String?, client: HTTPClient, renderer: MustacheMessageRenderer?, logger: Logger) {
        self.url = url
        self.timeout = timeout
        self.addressField = addressField
        self.client = client
        self.renderer = renderer
        self.requestLogger = logger.logLevel <= .debug ? logger : Logger(label: logger.label, factory: { _ in SwiftLogNoOpLogHandler() })
    }

    public func deliver(_ delivery: Delivery) async throws {
        let request = try makeRequest(for: delivery)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)), logger: requestLogger)
        } catch {
            throw DeliveryError(retryable: true, "request to \(request.url) failed: \(error)")
        }
        // The status decides. The body is read and dropped so the connection can be reused,
        // but a long or broken body does not turn an answer the receiver gave into a failure:
        // a 200 with a large body was delivered, and retrying it would only repeat the message.
        await Self.drain(response.body)
        switch response.status.code {
        case 200..<300: return
        case 300..<400:
            let location = response.headers.first(name: "Location").map { " to \($0)" } ?? ""
            throw DeliveryError(
                retryable: false, "\(request.url) redirected\(location) (\(response.status.code)); webhooks do not follow redirects, so give the channel the final URL")
        case 408, 429, 500...: throw DeliveryError(retryable: true, "\(request.url) answered \(response.status.code)")
        default: throw DeliveryError(retryable: false, "\(request.url) refused the message with \(response.status.code)")
        }
    }

    func makeRequest(for delivery: Delivery) throws -> HTTPClientRequest {
        let message = delivery.message
        var request: HTTPClientRequest
        if message.kind == .webhook, let webhook = message.webhook {
            let target = try renderer?.renderInline(webhook.url, for: message, escaping: .url) ?? webhook.url
            request = HTTPClientRequest(url: target)
            request.method = HTTPMethod(rawValue: webhook.method.uppercased())
            for (name, value) in webhook.headers.sorted(by: { $0.key < $1.key }) {
                request.headers.replaceOrAdd(name: name, value: try renderer?.renderInline(value, for: message, escaping: .text) ?? value)
            }
            if let body = delivery.body {
                if request.headers["Content-Type"].isEmpty {
                    request.headers.add(name: "Content-Type", value: Self.looksLikeJSON(body) ? "application/json" : "text/plain; charset=utf-8")
                }
                request.body = .bytes(ByteBuffer(string: body))
            }
        } else {
            guard let url else { throw DeliveryError(retryable: false, "channel `\(message.channel)` has no url") }
            request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: document(for: delivery).description))
        }
        request.headers.replaceOrAdd(name: "Idempotency-Key", value: message.idempotencyKey)
        request.headers.replaceOrAdd(name: "User-Agent", value: "waymark")
        return request
    }

    /// The JSON a channel endpoint receives for a send.
    func document(for delivery: Delivery) -> JSONValue {
        let message = delivery.message
        let address = addressField.map { message.profile[dottedPath: $0] } ?? .null
        return .object([
            "idempotency_key": .string(message.idempotencyKey),
            "time": .time(message.time),
            "customer_id": .string(message.customerID),
            "journey": .string(message.journeyID),
            "version": .int(message.version),
            "run": .int(message.run),
            "step": .string(message.stepID),
            "channel": .string(message.channel),
            "template": .optional(message.template),
            "variant": .optional(message.variant),
            "address": address,
            "body": .optional(delivery.body),
            "data": message.data ?? .null,
            "attempt": .int(delivery.attempt),
        ])
    }

    /// Reads and drops up to `limit` bytes of a response body; past that (or on an error) the
    /// rest is abandoned, which closes the connection instead of reusing it.
    static func drain(_ body: HTTPClientResponse.Body, limit: Int = 1 << 20) async {
        var read = 0
        do {
            for try await chunk in body {
                read += chunk.readableBytes
                if read > limit { break }
            }
        } catch {}
    }

    static func looksLikeJSON(_ text: String) -> Bool {
        guard let first = text.first(where: { !$0.isWhitespace }) else { return false }
        return first == "{" || first == "["
    }
}
