import Foundation
import JourneyModel
import JourneyRuntime

/// One journey test: a customer, events at offsets from a start, and the
/// actions expected (or forbidden) at offsets. The format is the simulation
/// contract's (`journeys/tests/*.yaml`).
public struct JourneyTest: Sendable {
    public var name: String
    public var journeyID: String
    public var start: Date
    public var profile: ProfileChange
    public var events: [TestEvent]
    public var expect: [Expectation]
    public var expectNo: [Prohibition]
    public var location: SourceLocation

    public struct TestEvent: Sendable {
        public var at: TimeInterval
        public var name: String
        public var properties: [String: JSONValue]
    }

    /// `{at, KIND: …}`: an action of that kind at exactly `at`.
    public struct Expectation: Sendable {
        public var at: TimeInterval
        public var matcher: ActionMatcher
        public var location: SourceLocation
    }

    /// `{KIND: …, before}`: no such action before `before` (nil: at no time of the test).
    public struct Prohibition: Sendable {
        public var before: TimeInterval?
        public var matcher: ActionMatcher
        public var location: SourceLocation
    }
}

/// What an expectation matches: an action kind and the fields the author cares about.
public struct ActionMatcher: Sendable, Hashable {
    public var kind: ActionRecord.Kind
    public var channel: String?
    public var template: String?
    public var reason: String?
    public var url: String?
    public var step: String?
    public var variant: String?

    public init(kind: ActionRecord.Kind) {
        self.kind = kind
    }

    func matches(_ action: ActionRecord, url actionURL: String?) -> Bool {
        action.action == kind
            && (channel == nil || channel == action.channel)
            && (template == nil || template == action.template)
            && (reason == nil || reason == action.reason)
            && (url == nil || url == actionURL)
            && (step == nil || step == action.step)
            && (variant == nil || variant == action.variant)
    }

    /// The expectation as it reads in a diff: `send channel=push template=cart_reminder`.
    public var description: String {
        var parts = [kind.rawValue]
        if let reason { parts.append(reason) }
        if let channel { parts.append("channel=\(channel)") }
        if let template { parts.append("template=\(template)") }
        if let url { parts.append("url=\(url)") }
        if let step { parts.append("step=\(step)") }
        if let variant { parts.append("variant=\(variant)") }
        return parts.joined(separator: " ")
    }
}

extension JourneyTest {
    static let kinds: [String: ActionRecord.Kind] = [
        "enter": .enter, "send": .send, "suppressed": .suppressed, "webhook": .webhook, "update": .update, "goal": .goal, "exit": .exit,
    ]

    /// Reads every test of a file (one per YAML document).
    public static func load(file: String) throws -> [JourneyTest] {
        try YAMLNode.documents(file: file).compactMap { document in
            if case .scalar(let scalar) = document.node, scalar.string.isEmpty { return nil }
            return try parse(document)
        }
    }

    static func parse(_ root: YAMLNode) throws -> JourneyTest {
        let entries = try root.mapping("a journey test", allowed: ["test", "journey", "start", "profile", "events", "expect", "expect_no"])
        func value(_ key: String) -> YAMLNode? { entries.first { $0.key == key }?.value }
        func required(_ key: String) throws -> YAMLNode {
            guard let node = value(key) else { throw root.error("a journey test needs `\(key)`") }
            return node
        }
        let startNode = try required("start")
        let startText = try startNode.string("start")
        guard let start = Timestamp.parse(startText, defaultZone: ZonedCalendar.utc) else {
            throw startNode.error("start: cannot read the time `\(startText)`: \(CellValues.timeHelp)")
        }
        var test = JourneyTest(
            name: try required("test").string("test"), journeyID: try required("journey").string("journey"), start: start,
            profile: ProfileChange(customerID: "test_customer"), events: [], expect: [], expectNo: [], location: root.location)
        if let node = value("profile") {
            let parts = try node.mapping("profile", allowed: ["customer_id", "attributes", "identities", "consent"])
            for part in parts {
                switch part.key {
                case "customer_id": test.profile.customerID = try part.value.string("customer_id")
                case "attributes":
                    guard case .object(let attributes) = part.value.json() else { throw part.value.error("attributes must be a map") }
                    test.profile.attributes = attributes
                case "identities":
                    guard case .object(let identities) = part.value.json() else { throw part.value.error("identities must be a map") }
                    for (key, value) in identities {
                        guard let text = ProfileReader.text(value) else { throw part.value.error("identity `\(key)` must be a string") }
                        test.profile.identities[key] = text
                    }
                default:
                    guard case .object(let consent) = part.value.json() else { throw part.value.error("consent must be a map") }
                    for (key, value) in consent {
                        guard let granted = value.boolValue else { throw part.value.error("consent `\(key)` must be true or false") }
                        test.profile.consent[key] = granted
                    }
                }
            }
        }
        for item in try value("events")?.sequence("events") ?? [] {
            let parts = try item.mapping("an event", allowed: ["at", "event", "properties"])
            func part(_ key: String) -> YAMLNode? { parts.first { $0.key == key }?.value }
            guard let at = part("at"), let name = part("event") else { throw item.error("an event needs `at` and `event`") }
            var properties: [String: JSONValue] = [:]
            if let node = part("properties") {
                guard case .object(let object) = node.json() else { throw node.error("properties must be a map") }
                properties = object
            }
            test.events.append(TestEvent(at: try at.offset("at"), name: try name.string("event"), properties: properties))
        }
        for item in try value("expect")?.sequence("expect") ?? [] {
            let (matcher, parts) = try self.matcher(item, extra: ["at"])
            guard let at = parts.first(where: { $0.key == "at" })?.value else { throw item.error("an expectation needs `at` (when it happens)") }
            test.expect.append(Expectation(at: try at.offset("at"), matcher: matcher, location: item.location))
        }
        for item in try value("expect_no")?.sequence("expect_no") ?? [] {
            let (matcher, parts) = try self.matcher(item, extra: ["before"])
            let before = try parts.first(where: { $0.key == "before" }).map { try $0.value.offset("before") }
            test.expectNo.append(Prohibition(before: before, matcher: matcher, location: item.location))
        }
        return test
    }

    /// `{KIND: VALUE, step?, variant?}` plus the keys in `extra`.
    private static func matcher(_ item: YAMLNode, extra: [String]) throws -> (ActionMatcher, [(key: String, keyNode: YAMLNode, value: YAMLNode)]) {
        let allowed = extra + ["step", "variant"] + kinds.keys.sorted()
        let parts = try item.mapping("an expectation", allowed: allowed)
        let kindParts = parts.filter { kinds[$0.key] != nil }
        guard kindParts.count == 1, let kindPart = kindParts.first else {
            throw item.error("an expectation names exactly one action: \(kinds.keys.sorted().joined(separator: ", "))")
        }
        var matcher = ActionMatcher(kind: kinds[kindPart.key]!)
        let value = kindPart.value
        switch matcher.kind {
        case .enter, .goal, .update:
            guard value.json() == .bool(true) else { throw value.error("write `\(kindPart.key): true`") }
        case .exit:
            matcher.reason = try value.string("the exit reason")
        case .suppressed:
            if value.json() != .bool(true) { matcher.reason = try value.string("the suppression reason") }
        case .send, .webhook:
            if value.json() == .bool(true) { break }
            let fields = try value.mapping(kindPart.key, allowed: matcher.kind == .send ? ["channel", "template"] : ["url"])
            for field in fields {
                let text = try field.value.string(field.key)
                switch field.key {
                case "channel": matcher.channel = text
                case "template": matcher.template = text
                default: matcher.url = text
                }
            }
        }
        if let step = parts.first(where: { $0.key == "step" }) { matcher.step = try step.value.string("step") }
        if let variant = parts.first(where: { $0.key == "variant" }) { matcher.variant = try variant.value.string("variant") }
        return (matcher, parts)
    }
}
