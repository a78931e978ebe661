import Foundation
import JourneyModel
import JourneyRuntime

/// A synthetic population drawn from a behaviour model: customers arrive as a
/// Poisson process, each with a generated profile and a chain of events; the
/// same seed always gives the same population.
public struct Population: Sendable {
    public let model: BehaviorModel
    public let size: Int
    public let seed: UInt64

    public init(model: BehaviorModel, size: Int, seed: UInt64) {
        self.model = model
        self.size = size
        self.seed = seed
    }

    public func customerID(_ index: Int) -> String {
        let digits = max(4, String(max(0, size - 1)).count)
        let number = String(index)
        return model.customerPrefix + String(repeating: "0", count: max(0, digits - number.count)) + number
    }

    /// Every customer's profile and event chain, events in time order.
    public func generate() -> (profiles: [ProfileChange], events: [LoggedEvent]) {
        var arrivals = SplitMix64(seed: seed, "arrivals")
        let meanGap = 86_400 / model.arrivalsPerDay
        var time = model.start.timeIntervalSince1970
        var profiles: [ProfileChange] = []
        var events: [LoggedEvent] = []
        profiles.reserveCapacity(size)
        for index in 0..<size {
            let id = customerID(index)
            var random = SplitMix64(seed: seed, "customer", id)
            var attributes: [String: JSONValue] = [:]
            for (key, generator) in model.profile { attributes[key] = generator.sample(&random) }
            if !attributes.isEmpty { profiles.append(ProfileChange(customerID: id, attributes: attributes)) }
            let first = model.firstEvents[BehaviorModel.pick(model.firstEvents.map(\.weight), &random)].event
            let arrival = Date(timeIntervalSince1970: time.rounded())
            events += chain(customer: id, from: first, at: arrival, previous: nil, budget: model.maximumEventsPerCustomer, random: &random)
            time += -meanGap * log(1 - arrivals.unit())
        }
        events.sort { ($0.time, $0.customerID) < ($1.time, $1.customerID) }
        return (profiles, events)
    }

    /// An event and what follows it in the Markov chain, at most `budget` events.
    func chain(customer: String, from name: String, at time: Date, previous: [String: JSONValue]?, budget: Int, random: inout SplitMix64) -> [LoggedEvent] {
        var events: [LoggedEvent] = []
        var name = name
        var time = time
        var previous = previous
        while events.count < budget, let spec = model.events[name] {
            var properties: [String: JSONValue] = [:]
            for key in spec.carry { if let value = previous?[key] { properties[key] = value } }
            for (key, generator) in spec.properties where properties[key] == nil { properties[key] = generator.sample(&random) }
            events.append(LoggedEvent(customerID: customer, name: name, time: time, properties: properties))
            previous = properties
            let point = random.unit()
            var cumulative = 0.0
            guard let transition = spec.next.first(where: { cumulative += $0.probability; return point < cumulative }) else { break }
            time = time.addingTimeInterval(transition.delay.sample(&random))
            name = transition.event
        }
        return events
    }

    /// Answers sends with follow-up events, as the model's responses say.
    public func responder() -> PopulationResponder {
        PopulationResponder(population: self)
    }
}

/// The population's reaction to what journeys send: per send, the first
/// matching response (by channel and template) fires with its probability.
public struct PopulationResponder: ResponseModel {
    let population: Population
    /// Events generated so far per customer, against the model's per-customer budget.
    private var generated: [String: Int] = [:]

    init(population: Population) {
        self.population = population
    }

    public mutating func respond(to actions: [ActionRecord]) -> [LoggedEvent] {
        let model = population.model
        guard !model.responses.isEmpty else { return [] }
        var events: [LoggedEvent] = []
        for action in actions where action.action == .send {
            guard let response = model.responses.first(where: { response in
                (response.channel == nil || response.channel == action.channel) && (response.template == nil || response.template == action.template)
            }) else { continue }
            let used = generated[action.customer] ?? 0
            guard used < model.maximumEventsPerCustomer else { continue }
            var random = SplitMix64(
                seed: population.seed, "response", action.customer, action.journey, String(action.run), action.step ?? "",
                Timestamp.format(action.time))
            guard random.unit() < response.probability else { continue }
            let time = action.time.addingTimeInterval(response.delay.sample(&random))
            let chain = population.chain(customer: action.customer, from: response.event, at: time, previous: nil, budget: model.maximumEventsPerCustomer - used, random: &random)
            generated[action.customer] = used + chain.count
            events += chain
        }
        return events
    }
}
