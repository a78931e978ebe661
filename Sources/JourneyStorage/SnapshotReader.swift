import Foundation
import JourneyModel
import JourneyRuntime

/// Reads a customer's snapshot, as ``BlobWriter`` writes it, without `JSONDecoder`.
///
/// Every activation of a customer who is not resident reads their snapshot: one who comes
/// back after their actor was passivated, every customer after a restart. `JSONDecoder` took
/// most of such a read (the ordo-one row `store read customer held`).
///
/// It follows the synthesized `Codable` conformances: their keys, an optional that is absent
/// or `null` is nil, a `JSONValue` that is `null` is `.null`, dates are seconds since 1970,
/// unknown keys are ignored. Timer tokens are read as the exact integers they are (see
/// ``JSONScanner/readInteger()``). Anything it does not expect (a key twice, a missing field,
/// a fraction where a whole number belongs, nesting deeper than ``JSONScanner`` goes) makes
/// it give up, and ``BlobCoder`` decodes the blob with `JSONDecoder`, which either reads it
/// or says what is wrong with it. `SnapshotReaderTests` compares the two on every shape.
enum SnapshotReader {
    /// Why the reader gave up; never shown.
    struct Unexpected: Error {}

    /// The state in `data`, or nil when the reader does not expect something in it.
    static func state(_ data: Data) -> CustomerState? {
        data.withUnsafeBytes { raw in
            var scanner = JSONScanner(raw.bindMemory(to: UInt8.self))
            guard let state = try? state(&scanner), (try? scanner.readEnd()) != nil else { return nil }
            return state
        }
    }

    static func state(_ scanner: inout JSONScanner) throws -> CustomerState {
        var customerID: String?
        var profile: Profile?
        var runs: [RunState]?
        var history: [String: JourneyHistory]?
        var lastTimerToken: UInt64?
        var segmentChecks: [String: UInt64]?
        var segmentCheckTimes: [String: SegmentRecheck]?
        try scanner.readObject { scanner, key in
            switch key {
            case "customerID": try once(&customerID, try scanner.readString())
            case "profile": try once(&profile, try self.profile(&scanner))
            case "runs": try once(&runs, try list(&scanner, run))
            case "history": try once(&history, try map(&scanner, self.history))
            case "lastTimerToken": try once(&lastTimerToken, try unsigned(&scanner))
            case "segmentChecks": try once(&segmentChecks, try map(&scanner, unsigned))
            case "segmentCheckTimes": try once(&segmentCheckTimes, try scanner.readNull() ? [:] : try map(&scanner, recheck))
            default: _ = try scanner.readValue()
            }
        }
        var state = CustomerState(customerID: try required(customerID), profile: try required(profile))
        state.runs = try required(runs)
        state.history = try required(history)
        state.lastTimerToken = try required(lastTimerToken)
        state.segmentChecks = try required(segmentChecks)
        state.segmentCheckTimes = segmentCheckTimes ?? [:]
        return state
    }

    static func profile(_ scanner: inout JSONScanner) throws -> Profile {
        var attributes: [String: JSONValue]?
        try scanner.readObject { scanner, key in
            if key == "attributes" { try once(&attributes, try map(&scanner) { try $0.readValue() }) } else { _ = try scanner.readValue() }
        }
        return Profile(attributes: try required(attributes))
    }

    static func run(_ scanner: inout JSONScanner) throws -> RunState {
        var journeyID: String?, version: Int?, number: Int?, stepID: String?, enteredAt: Date?, converted: Bool?
        var visits: [String: Int]?
        var variant: String??, waiting: Waiting??, event: EventContext??, lastSend: SendAttribution??
        try scanner.readObject { scanner, key in
            switch key {
            case "journeyID": try once(&journeyID, try scanner.readString())
            case "version": try once(&version, try integer(&scanner))
            case "number": try once(&number, try integer(&scanner))
            case "stepID": try once(&stepID, try scanner.readString())
            case "enteredAt": try once(&enteredAt, try date(&scanner))
            case "variant": try once(&variant, try optional(&scanner) { try $0.readString() })
            case "visits": try once(&visits, try map(&scanner, integer))
            case "waiting": try once(&waiting, try optional(&scanner, self.waiting))
            case "event": try once(&event, try optional(&scanner, self.event))
            case "lastSend": try once(&lastSend, try optional(&scanner, attribution))
            case "converted": try once(&converted, try scanner.readBool())
            default: _ = try scanner.readValue()
            }
        }
        var run = RunState(
            journeyID: try required(journeyID), version: try required(version), number: try required(number),
            stepID: try required(stepID), enteredAt: try required(enteredAt), event: event ?? nil)
        run.variant = variant ?? nil
        run.visits = try required(visits)
        run.waiting = waiting ?? nil
        run.lastSend = lastSend ?? nil
        run.converted = try required(converted)
        return run
    }
}
