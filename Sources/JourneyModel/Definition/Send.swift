/// `send`: a message on a channel chosen by name, by a fallback chain, or by the customer's preference.
public struct Send: Sendable, Hashable, Codable {
    public var channel: ChannelSelection
    /// `templates/NAME.mustache` (or `NAME.CHANNEL.mustache`) beside the journey.
    public var template: String?
    /// An inline Mustache template, used when there is no `template`.
    public var message: String?
    /// Extra values the template sees as `data`.
    public var data: JSONValue?

    public init(channel: ChannelSelection, template: String? = nil, message: String? = nil, data: JSONValue? = nil) {
        self.channel = channel
        self.template = template
        self.message = message
        self.data = data
    }
}

/// How a send picks its channel.
public enum ChannelSelection: Sendable, Hashable, Codable {
    /// Exactly this channel.
    case single(String)
    /// The first channel the customer is reachable on.
    case chain([String])
    /// `profile.preferred_channel`, else the acquisition channel, else the fallback chain.
    case preferred(fallback: [String])

    /// Every channel named, in order, for validation and reports.
    public var namedChannels: [String] {
        switch self {
        case .single(let channel): [channel]
        case .chain(let channels), .preferred(let channels): channels
        }
    }
}

/// The channels the language knows without any deployment configuration.
public enum BuiltInChannel {
    public static let names = ["email", "sms", "push", "in_app", "wechat", "wecom", "social_dm", "call", "webhook"]
}

/// `update`: changes to the customer's profile attributes. Keys may be dotted paths.
public struct ProfileUpdate: Sendable, Hashable, Codable {
    public struct Assignment: Sendable, Hashable, Codable {
        /// The attribute path, split on dots.
        public var path: [String]
        public var value: Expression

        public init(path: [String], value: Expression) {
            self.path = path
            self.value = value
        }
    }

    public var set: [Assignment]
    public var increment: [Assignment]
    public var unset: [[String]]
    public var addTags: [String]
    public var removeTags: [String]

    public init(set: [Assignment] = [], increment: [Assignment] = [], unset: [[String]] = [], addTags: [String] = [], removeTags: [String] = []) {
        self.set = set
        self.increment = increment
        self.unset = unset
        self.addTags = addTags
        self.removeTags = removeTags
    }
}

/// `webhook`: a call to an outside system through the `webhook` channel adapter.
public struct Webhook: Sendable, Hashable, Codable {
    public enum Body: Sendable, Hashable, Codable {
        /// A Mustache template rendered to the body text.
        case template(String)
        /// A JSON object whose string leaves are Mustache templates.
        case json(JSONValue)
    }

    public var url: String
    public var method: String
    public var headers: [String: String]
    public var body: Body?

    public init(url: String, method: String = "POST", headers: [String: String] = [:], body: Body? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }
}
