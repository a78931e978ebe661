import JourneyModel

/// When a customer can be reached on a channel: which profile field holds the
/// address, and which consent flag must not be `false`. With no rules at all
/// every channel is reachable (the simulator's default).
public struct ChannelRules: Sendable, Hashable, Codable {
    public struct Rule: Sendable, Hashable, Codable {
        /// Profile path that must be non-null (`email`, `phone`, `wechat_openid`); nil: no address needed.
        public var addressField: String?
        /// Key under `profile.consent` that must not be `false`; nil: no consent check.
        public var consentFlag: String?

        public init(addressField: String?, consentFlag: String?) {
            self.addressField = addressField
            self.consentFlag = consentFlag
        }
    }

    public var rules: [String: Rule]
    /// Whether channels without a rule are reachable (true) or not (false) when rules exist.
    public var allowUnlisted: Bool

    public init(rules: [String: Rule] = [:], allowUnlisted: Bool = false) {
        self.rules = rules
        self.allowUnlisted = allowUnlisted
    }

    /// Everything reachable: the simulator's and tests' default.
    public static let everyChannel = ChannelRules(rules: [:], allowUnlisted: true)

    public func isReachable(_ channel: String, profile: Profile) -> Bool {
        guard let rule = rules[channel] else { return rules.isEmpty || allowUnlisted }
        if let field = rule.addressField {
            let address = profile.json[dottedPath: field]
            if address.isNull || address.stringValue == "" { return false }
        }
        if let flag = rule.consentFlag, profile["consent"][path: [flag]] == .bool(false) {
            return false
        }
        return true
    }
}
