import Foundation
import JourneyModel
import JourneyRuntime
import JourneySimulator
import JourneyYAML

/// The inputs every benchmark shares: the example journeys, and event logs
/// made by cloning the customers of the sample log (`journeys/data`), so that
/// every synthetic customer behaves like a real one of the sample, event for
/// event, only shifted in time.
public enum Workload {
    /// The repository root: `WAYMARK_ROOT`, or found from this file's place.
    public static var repositoryRoot: URL {
        if let path = ProcessInfo.processInfo.environment["WAYMARK_ROOT"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }

    public static var journeysDirectory: String { repositoryRoot.appendingPathComponent("journeys").path }
    static var sampleEvents: String { repositoryRoot.appendingPathComponent("journeys/data/events.csv").path }
    static var sampleProfiles: String { repositoryRoot.appendingPathComponent("journeys/data/profiles.jsonl").path }

    /// The example journeys, loaded and validated like `waymark simulate` does.
    public static func journeys() throws -> [JourneyDefinition] {
        let loaded = JourneyLoader().load(paths: [journeysDirectory])
        guard loaded.errorCount == 0, !loaded.journeys.isEmpty else {
            throw BenchError("the example journeys do not load: \(loaded.diagnostics.map(\.description).joined(separator: "\n"))")
        }
        return loaded.journeys.map(\.definition)
    }

    /// The deployed catalog of the example journeys, each at version 1.
    public static func catalog() throws -> JourneyCatalog {
        JourneyCatalog(try journeys().map { DeployedJourney(definition: $0, version: 1) })
    }

    /// The sample log the clones are made from.
    public static func sample() throws -> EventLog {
        try EventLogReader.read(events: [sampleEvents], profiles: [sampleProfiles], options: EventLogOptions())
    }

    /// A generated log of exactly `count` events, sorted by time: customer `k`
    /// replays sample customer `k mod 40`'s events, shifted by a random offset
    /// of up to `spread` seconds. Also the profiles of the clones.
    public static func generate(count: Int, seed: UInt64 = 1, spread: TimeInterval = 30 * 86_400) throws -> GeneratedLog {
        let sample = try sample()
        let byCustomer = Dictionary(grouping: sample.events.indices, by: { sample.events[$0].customerID })
        let originals = byCustomer.keys.sorted()
        let profiles = Dictionary(sample.profiles.map { ($0.customerID, $0) }, uniquingKeysWith: { first, _ in first })
        var random = SplitMix64(seed: seed)
        var events: [(time: Date, clone: Int32, sampleIndex: Int32)] = []
        events.reserveCapacity(count + 64)
        var clones: [(id: String, original: String)] = []
        while events.count < count {
            let clone = clones.count
            let original = originals[clone % originals.count]
            let offset = random.unit() * spread
            clones.append(("c\(clone)-\(original)", original))
            for index in byCustomer[original]! {
                events.append((sample.events[index].time.addingTimeInterval(offset), Int32(clone), Int32(index)))
            }
        }
        events.sort { ($0.time, $0.clone, $0.sampleIndex) < ($1.time, $1.clone, $1.sampleIndex) }
        events.removeLast(events.count - count)
        let logged = events.map { item in
            let template = sample.events[Int(item.sampleIndex)]
            return LoggedEvent(customerID: clones[Int(item.clone)].id, name: template.name, time: item.time, properties: template.properties)
        }
        let cloneProfiles = clones.compactMap { clone -> ProfileChange? in
            guard var profile = profiles[clone.original] else { return nil }
            profile.customerID = clone.id
            return profile
        }
        return GeneratedLog(events: logged, profiles: cloneProfiles, sampleRows: try sampleRows(), sampleIndex: events.map(\.sampleIndex), customers: clones.count)
    }

    /// The text of every data row of the sample CSV after its first three
    /// columns (customer, event, time), so a generated row keeps its properties verbatim.
    static func sampleRows() throws -> (header: String, tails: [String]) {
        let text = try String(contentsOfFile: sampleEvents, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst()
        let tails = lines.map { line -> String in
            var commas = 0
            for index in line.indices where line[index] == "," {
                commas += 1
                if commas == 3 { return String(line[line.index(after: index)...]) }
            }
            return ""
        }
        return (header, tails)
    }
}

/// A generated event log and the profiles of its customers.
public struct GeneratedLog: Sendable {
    public var events: [LoggedEvent]
    public var profiles: [ProfileChange]
    let sampleRows: (header: String, tails: [String])
    let sampleIndex: [Int32]
    public var customers: Int

    /// Writes the events as CSV (the sample's columns) and the profiles as JSON Lines.
    public func write(eventsTo eventsPath: String, profilesTo profilesPath: String) throws {
        var out = sampleRows.header + "\n"
        out.reserveCapacity(events.count * 64)
        for (event, index) in zip(events, sampleIndex) {
            out += event.customerID
            out += ","
            out += event.name
            out += ","
            out += Timestamp.format(event.time)
            out += ","
            out += sampleRows.tails[Int(index)]
            out += "\n"
        }
        try Data(out.utf8).write(to: URL(fileURLWithPath: eventsPath))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var lines = Data()
        for profile in profiles {
            let object: [String: JSONValue] = [
                "customer_id": .string(profile.customerID),
                "attributes": .object(profile.attributes),
                "identities": .object(profile.identities.mapValues(JSONValue.string)),
                "consent": .object(profile.consent.mapValues(JSONValue.bool)),
            ]
            lines.append(try encoder.encode(JSONValue.object(object)))
            lines.append(UInt8(ascii: "\n"))
        }
        try lines.write(to: URL(fileURLWithPath: profilesPath))
    }
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
