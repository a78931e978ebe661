import Foundation
import JourneyModel
import JourneyRuntime
@testable import JourneySimulator
import Testing

/// Synthetic populations: the behaviour model's format, and determinism by seed.
@Suite struct PopulationTests {
    static let model = """
        start: "2024-03-04T08:00:00+08:00"
        arrivals_per_day: 100
        profile:
          member: { one_of: [true, false], weights: [1, 3] }
          age: { uniform: [18, 80] }
        first_events:
          - { event: open, weight: 3 }
          - { event: view }
        events:
          open:
            properties: { channel: in_app }
            next:
              - { event: view, probability: 0.8, delay: { exponential: 5m } }
          view:
            properties: { sku: { one_of: [A, B, C] }, price: { uniform: [1.5, 9.5] } }
            next:
              - { event: cart, probability: 0.5, delay: 10m }
          cart:
            carry: [sku]
            next:
              - { event: buy, probability: 0.5, delay: { fixed: 1h } }
          buy: {}
        responses:
          - { channel: push, event: buy, probability: 1, delay: 30m }
        """

    func load(_ text: String) throws -> BehaviorModel {
        let directory = try TempDirectory()
        defer { directory.remove() }
        return try BehaviorModel.load(path: directory.write("behavior.yaml", text))
    }

    @Test func theSameSeedGivesTheSamePopulationAndAnotherSeedAnother() throws {
        let model = try load(Self.model)
        let first = Population(model: model, size: 500, seed: 42).generate()
        let again = Population(model: model, size: 500, seed: 42).generate()
        let other = Population(model: model, size: 500, seed: 43).generate()
        #expect(first.events == again.events)
        #expect(first.profiles == again.profiles)
        #expect(first.events != other.events)
        #expect(first.profiles.count == 500)
        #expect(first.profiles[0].customerID == "sim_0000")
        // Arrivals average 100 a day: 500 customers take about five days.
        let span = first.events.last!.time.timeIntervalSince(model.start) / 86_400
        #expect(span > 3 && span < 8)
        #expect(zip(first.events, first.events.dropFirst()).allSatisfy { $0.time <= $1.time })
        // Carried properties follow the chain: a cart has the sku of the view before it.
        let byCustomer = Dictionary(grouping: first.events, by: \.customerID)
        for events in byCustomer.values {
            for (previous, event) in zip(events, events.dropFirst()) where event.name == "cart" {
                #expect(event.properties["sku"] == previous.properties["sku"])
            }
        }
        let members = first.profiles.count { $0.attributes["member"] == .bool(true) }
        #expect(members > 75 && members < 175)
        #expect(first.profiles.allSatisfy { ($0.attributes["age"]?.numberValue).map { $0 >= 18 && $0 <= 80 && $0 == $0.rounded() } ?? false })
    }

    @Test func responsesAreDeterministicAndFollowSends() throws {
        let model = try load(Self.model)
        let population = Population(model: model, size: 10, seed: 1)
        let time = model.start.addingTimeInterval(3600)
        let sends = [
            ActionRecord(time: time, customer: "sim_0001", journey: "j", version: 1, run: 1, step: "s", action: .send, channel: "push"),
            ActionRecord(time: time, customer: "sim_0002", journey: "j", version: 1, run: 1, step: "s", action: .send, channel: "email"),
        ]
        var responder = population.responder()
        let events = responder.respond(to: sends)
        #expect(events.map(\.customerID) == ["sim_0001"])
        #expect(events.map(\.name) == ["buy"])
        #expect(events[0].time == time.addingTimeInterval(1800))
        var again = population.responder()
        #expect(again.respond(to: sends) == events)
    }

    @Test func aWholeSyntheticRunIsByteIdenticalForOneSeed() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let behavior = try directory.write("behavior.yaml", Self.model)
        try directory.write("journeys/nudge.yaml", """
            journey: nudge
            entry: { event: cart }
            exit: [{ event: buy }]
            goal: { event: buy, within: 2d }
            steps:
              - id: grace
                wait: 20m
              - id: remind
                send: { channel: push, message: "Still thinking?" }
              - id: window
                wait: 1d
            """)
        func simulate(_ out: String, seed: UInt64) async throws -> String {
            var request = SimulateRequest(journeyPaths: [directory.file("journeys")])
            request.population = 300
            request.behaviorFile = behavior
            request.seed = seed
            request.until = "2024-03-20"
            request.outputDirectory = directory.file(out)
            _ = try await SimulateCommand.run(request)
            return try String(contentsOfFile: directory.file("\(out)/actions.jsonl"), encoding: .utf8)
        }
        let one = try await simulate("one", seed: 9)
        let two = try await simulate("two", seed: 9)
        let three = try await simulate("three", seed: 10)
        #expect(one == two)
        #expect(one != three)
        // The model answers every push with a purchase half an hour later: conversions follow sends.
        #expect(one.contains("\"action\":\"goal\""))
    }

    @Test func modelErrorsNameTheirPlace() throws {
        func failure(_ text: String) throws -> String {
            do {
                _ = try load(text)
            } catch let diagnostic as Diagnostic {
                return "\(diagnostic.location.line):\(diagnostic.location.column) \(diagnostic.message)"
            }
            return "no error"
        }
        #expect(try failure("start: \"2024-03-04\"\narrivals_per_day: 0\nfirst_events: [{event: a}]\nevents: {a: {}}\n") == "2:19 arrivals_per_day must be more than 0")
        #expect(try failure("start: \"2024-03-04\"\narrivals_per_day: 5\nfirst_events: [{event: a}]\nevents:\n  a:\n    next: [{event: a, probability: 0.7}, {event: a, probability: 0.6}]\n")
            == "6:11 the probabilities of `a`'s transitions add up to 1.2999999999999998, more than 1")
        #expect(try failure("start: \"2024-03-04\"\narrivals_per_day: 5\nfirst_events: [{event: b}]\nevents: {a: {}}\n")
            == "4:9 event `b` is used but not described under `events` (give it `{}` if it has no properties and leads nowhere)")
        #expect(try failure("start: \"2024-03-04\"\narrivals: 5\n") == "2:1 unknown key `arrivals` in the behaviour model")
    }
}
