import AsyncHTTPClient
import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging

/// Builds what the engine needs to deliver and to decide reachability from the
/// `channels:` section: one adapter per channel (with its attempt limit), rate
/// limits, and the reachability rules.
///
/// Without channels configured every channel goes to the log and every
/// customer is reachable, so a fresh node shows what it would send. With
/// channels configured, a channel that is not listed is unreachable (a fallback
/// chain moves on to the next channel) and webhook steps still get an adapter.
struct ChannelSetup {
    let relay: OutboxRelay.Configuration
    let rules: ChannelRules
    /// Every channel name journeys may use here, for validation.
    let knownChannels: Set<String>

    init(configuration: NodeConfiguration, renderer: MustacheMessageRenderer, client: HTTPClient, logger: Logger) throws {
        var adapters: [String: any ChannelAdapter] = [:]
        var rates: [String: Double] = [:]
        var rules: [String: ChannelRules.Rule] = [:]
        for (name, channel) in configuration.channels.sorted(by: { $0.key < $1.key }) {
            var channelLogger = logger
            channelLogger[metadataKey: "channel"] = "\(name)"
            let adapter: any ChannelAdapter
            switch channel.adapter {
            case .webhook:
                adapter = WebhookChannelAdapter(
                    url: channel.url, timeout: channel.timeout, addressField: channel.addressField, client: client, renderer: renderer,
                    logger: channelLogger)
            case .file:
                adapter = try FileChannelAdapter(path: channel.path!, addressField: channel.addressField)
            case .log:
                adapter = LogChannelAdapter(logger: channelLogger)
            }
            adapters[name] = AttemptLimitAdapter(base: adapter, maximumAttempts: channel.maxAttempts)
            rates[name] = channel.rateLimit
            rules[name] = ChannelRules.Rule(addressField: channel.addressField, consentFlag: channel.consentFlag)
        }
        if adapters["webhook"] == nil {
            // `webhook` steps name their own URL; they need no configuration to work.
            adapters["webhook"] = WebhookChannelAdapter(url: nil, timeout: 10, addressField: nil, client: client, renderer: renderer, logger: logger)
        }
        let maximumAttempts = max(8, configuration.channels.values.map(\.maxAttempts).max() ?? 8)
        let retry = RetryPolicy(
            maximumAttempts: maximumAttempts, baseDelay: configuration.retry.baseDelay, maximumDelay: configuration.retry.maximumDelay)
        relay = OutboxRelay.Configuration(
            adapters: adapters,
            defaultAdapter: configuration.channels.isEmpty ? LogChannelAdapter(logger: logger) : nil,
            renderer: renderer, retry: retry, rateLimits: rates,
            pollInterval: min(1, max(0.05, configuration.retry.baseDelay)))
        self.rules = configuration.channels.isEmpty ? .everyChannel : ChannelRules(rules: rules, allowUnlisted: false)
        knownChannels = Set(BuiltInChannel.names).union(configuration.channels.keys)
    }
}
