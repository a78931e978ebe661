import Foundation
import JourneyModel
import JourneyRuntime

/// A behaviour model for synthetic populations (`--behavior FILE`): when
/// customers arrive, what their profiles look like, how they move from event
/// to event (a Markov chain with delays), and how they answer sends.
public struct BehaviorModel: Sendable {
    /// A delay: fixed, or exponential with a mean. Sampled to whole seconds, at least one.
    public enum Delay: Sendable, Hashable {
        case fixed(TimeInterval)
        case exponential(mean: TimeInterval)

        func sample(_ random: inout SplitMix64) -> TimeInterval {
            switch self {
            case .fixed(let seconds): return max(1, seconds.rounded())
            case .exponential(let mean): return max(1, (-mean * log(1 - random.unit())).rounded())
            }
        }
    }

    /// A value to generate: fixed, a weighted choice, or a uniform number.
    public indirect enum Generator: Sendable, Hashable {
        case fixed(JSONValue)
        case oneOf([JSONValue], weights: [Double])
        /// Whole numbers when both bounds are whole.
        case uniform(Double, Double)

        func sample(_ random: inout SplitMix64) -> JSONValue {
            switch self {
            case .fixed(let value): return value
            case .oneOf(let values, let weights): return values[BehaviorModel.pick(weights, &random)]
            case .uniform(let low, let high):
                let value = low + (high - low) * random.unit()
                let whole = low == low.rounded() && high == high.rounded()
                return .number(whole ? min(high, value.rounded(.down)) : (value * 100).rounded() / 100)
            }
        }
    }

    public struct Transition: Sendable, Hashable {
        public var event: String
        public var probability: Double
        public var delay: Delay
    }

    public struct EventSpec: Sendable, Hashable {
        public var properties: [(String, Generator)]
        /// Properties copied from the event before (a purchase keeps the cart's `sku` and `value`).
        public var carry: [String]
        public var next: [Transition]

        public static func == (lhs: EventSpec, rhs: EventSpec) -> Bool {
            lhs.carry == rhs.carry && lhs.next == rhs.next && lhs.properties.map(\.0) == rhs.properties.map(\.0)
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(carry); hasher.combine(next) }
    }

    public struct Response: Sendable, Hashable {
        public var channel: String?
        public var template: String?
        public var event: String
        public var probability: Double
        public var delay: Delay
    }

    public var start: Date
    public var arrivalsPerDay: Double
    public var customerPrefix: String
    public var profile: [(String, Generator)]
    public var firstEvents: [(event: String, weight: Double)]
    public var events: [String: EventSpec]
    public var responses: [Response]
    public var maximumEventsPerCustomer: Int

    static func pick(_ weights: [Double], _ random: inout SplitMix64) -> Int {
        let total = weights.reduce(0, +)
        var point = random.unit() * total
        for (index, weight) in weights.enumerated() {
            point -= weight
            if point < 0 { return index }
        }
        return weights.count - 1
    }

    public static func load(path: String) throws -> BehaviorModel {
        let documents = try YAMLNode.documents(file: path)
        guard documents.count == 1, let root = documents.first else {
            throw Diagnostic.error("bad-behavior", "a behaviour model is one YAML document", at: SourceLocation(file: path, line: 1, column: 1))
        }
        return try parse(root)
    }

    static func parse(_ root: YAMLNode) throws -> BehaviorModel {
        let keys = ["start", "timezone", "arrivals_per_day", "customer_prefix", "profile", "first_events", "events", "responses", "max_events_per_customer"]
        let entries = try root.mapping("the behaviour model", allowed: keys)
        func value(_ key: String) -> YAMLNode? { entries.first { $0.key == key }?.value }
        func required(_ key: String) throws -> YAMLNode {
            guard let node = value(key) else { throw root.error("the behaviour model needs `\(key)`") }
            return node
        }
        var zone = ZonedCalendar.utc
        if let node = value("timezone") {
            let name = try node.string("timezone")
            guard let found = ZonedCalendar.zone(named: name) else { throw node.error("unknown time zone `\(name)`: use an IANA name such as Asia/Shanghai") }
            zone = found
        }
        let startNode = try required("start")
        guard let start = Timestamp.parse(try startNode.string("start"), defaultZone: zone) else {
            throw startNode.error("start: \(CellValues.timeHelp)")
        }
        let arrivalsNode = try required("arrivals_per_day")
        let arrivals = try arrivalsNode.number("arrivals_per_day")
        guard arrivals > 0 else { throw arrivalsNode.error("arrivals_per_day must be more than 0") }
        var model = BehaviorModel(
            start: start, arrivalsPerDay: arrivals, customerPrefix: try value("customer_prefix")?.string("customer_prefix") ?? "sim_",
            profile: [], firstEvents: [], events: [:], responses: [], maximumEventsPerCustomer: 50)
        if let node = value("max_events_per_customer") {
            let count = try node.number("max_events_per_customer")
            guard count >= 1, count == count.rounded() else { throw node.error("max_events_per_customer must be a whole number, at least 1") }
            model.maximumEventsPerCustomer = Int(count)
        }
        if let node = value("profile") {
            model.profile = try node.mapping("profile").map { ($0.key, try generator($0.value)) }
        }
        let eventsNode = try required("events")
        for entry in try eventsNode.mapping("events") {
            let spec = try entry.value.mapping("event `\(entry.key)`", allowed: ["properties", "carry", "next"])
            var event = EventSpec(properties: [], carry: [], next: [])
            for field in spec {
                switch field.key {
                case "properties": event.properties = try field.value.mapping("properties").map { ($0.key, try generator($0.value)) }
                case "carry": event.carry = try field.value.sequence("carry").map { try $0.string("a carried property") }
                default:
                    for transition in try field.value.sequence("next") {
                        let parts = try transition.mapping("a transition", allowed: ["event", "probability", "delay"])
                        guard let name = parts.first(where: { $0.key == "event" })?.value, let probability = parts.first(where: { $0.key == "probability" })?.value else {
                            throw transition.error("a transition needs `event` and `probability`")
                        }
                        event.next.append(Transition(
                            event: try name.string("event"), probability: try probabilityValue(probability),
                            delay: try parts.first(where: { $0.key == "delay" }).map { try delay($0.value) } ?? .fixed(60)))
                    }
                    let total = event.next.map(\.probability).reduce(0, +)
                    guard total <= 1 + 1e-9 else { throw field.value.error("the probabilities of `\(entry.key)`'s transitions add up to \(total), more than 1") }
                }
            }
            model.events[entry.key] = event
        }
        let firstNode = try required("first_events")
        for item in try firstNode.sequence("first_events") {
            let parts = try item.mapping("a first event", allowed: ["event", "weight"])
            guard let name = parts.first(where: { $0.key == "event" })?.value else { throw item.error("a first event needs `event`") }
            let weight = try parts.first(where: { $0.key == "weight" })?.value.number("weight") ?? 1
            guard weight > 0 else { throw item.error("weights must be more than 0") }
            model.firstEvents.append((try name.string("event"), weight))
        }
        guard !model.firstEvents.isEmpty else { throw firstNode.error("first_events needs at least one event") }
        if let node = value("responses") {
            for item in try node.sequence("responses") {
                let parts = try item.mapping("a response", allowed: ["channel", "template", "event", "probability", "delay"])
                func part(_ key: String) -> YAMLNode? { parts.first { $0.key == key }?.value }
                guard let event = part("event"), let probability = part("probability") else { throw item.error("a response needs `event` and `probability`") }
                model.responses.append(Response(
                    channel: try part("channel")?.string("channel"), template: try part("template")?.string("template"),
                    event: try event.string("event"), probability: try probabilityValue(probability),
                    delay: try part("delay").map { try delay($0) } ?? .fixed(60)))
            }
        }
        // Every event reached must be described (even with no properties and no next).
        let named = model.firstEvents.map(\.event) + model.events.values.flatMap { $0.next.map(\.event) } + model.responses.map(\.event)
        if let missing = named.first(where: { model.events[$0] == nil }) {
            throw eventsNode.error("event `\(missing)` is used but not described under `events` (give it `{}` if it has no properties and leads nowhere)")
        }
        return model
    }

    private static func probabilityValue(_ node: YAMLNode) throws -> Double {
        let value = try node.number("probability")
        guard (0...1).contains(value) else { throw node.error("a probability is between 0 and 1") }
        return value
    }

    /// `2h` (fixed), `{fixed: 2h}` or `{exponential: 2h}` (the mean).
    private static func delay(_ node: YAMLNode) throws -> Delay {
        if case .scalar = node.node { return .fixed(try node.duration("delay")) }
        let parts = try node.mapping("delay", allowed: ["fixed", "exponential"])
        guard parts.count == 1, let part = parts.first else { throw node.error("a delay is `{fixed: DURATION}` or `{exponential: MEAN}`") }
        let seconds = try part.value.duration(part.key)
        return part.key == "fixed" ? .fixed(seconds) : .exponential(mean: seconds)
    }

    /// A literal value, `{one_of: [..], weights: [..]}` or `{uniform: [low, high]}`.
    private static func generator(_ node: YAMLNode) throws -> Generator {
        guard case .mapping = node.node else { return .fixed(node.json()) }
        let parts = try node.mapping("a value")
        let keys = Set(parts.map(\.key))
        if keys == ["uniform"] {
            guard case .array(let bounds) = parts[0].value.json(), bounds.count == 2, let low = bounds[0].numberValue, let high = bounds[1].numberValue, low <= high else {
                throw parts[0].value.error("uniform needs [low, high], two numbers")
            }
            return .uniform(low, high)
        }
        if keys == ["one_of"] || keys == ["one_of", "weights"] {
            guard case .array(let values) = parts.first(where: { $0.key == "one_of" })!.value.json(), !values.isEmpty else {
                throw node.error("one_of needs a non-empty list of values")
            }
            var weights = [Double](repeating: 1, count: values.count)
            if let weightNode = parts.first(where: { $0.key == "weights" })?.value {
                guard case .array(let given) = weightNode.json(), given.count == values.count, given.allSatisfy({ ($0.numberValue ?? -1) >= 0 }) else {
                    throw weightNode.error("weights needs one number (0 or more) per value of one_of")
                }
                weights = given.compactMap(\.numberValue)
            }
            return .oneOf(values, weights: weights)
        }
        return .fixed(node.json())
    }
}
