import AsyncHTTPClient

extension HTTPClient {
    /// The client webhook deliveries use by default: the shared client's settings, but
    /// redirects are not followed.
    ///
    /// Following a 301 or 302 turns a POST into a GET without its body, so the receiver
    /// would get nothing and the send would still count as delivered. A redirect instead
    /// comes back to the adapter as the answer, which reports it as a failure that names
    /// the new location: the operator points the channel at the final URL.
    ///
    /// Like `HTTPClient.shared`, it lives as long as the process and is never shut down.
    public static var webhooks: HTTPClient { webhookClient }
}

private let webhookClient: HTTPClient = {
    var configuration = HTTPClient.Configuration.singletonConfiguration
    configuration.redirectConfiguration = .disallow
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()
