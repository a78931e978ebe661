import Foundation
import JourneyModel
import JourneyRuntime

/// The smaller documents of a snapshot, and the rules every field follows.
extension SnapshotReader {
    static func waiting(_ scanner: inout JSONScanner) throws -> Waiting {
        var reason: Waiting.Reason?, token: UInt64?, deadline: Date??
        try scanner.readObject { scanner, key in
            switch key {
            case "reason":
                guard let known = Waiting.Reason(rawValue: try scanner.readString()) else { throw Unexpected() }
                try once(&reason, known)
            case "token": try once(&token, try unsigned(&scanner))
            case "deadline": try once(&deadline, try optional(&scanner, date))
            default: _ = try scanner.readValue()
            }
        }
        return Waiting(reason: try required(reason), token: try required(token), deadline: deadline ?? nil)
    }

    static func event(_ scanner: inout JSONScanner) throws -> EventContext {
        var name: String?, time: Date?, properties: JSONValue?
        try scanner.readObject { scanner, key in
            switch key {
            case "name": try once(&name, try scanner.readString())
            case "time": try once(&time, try date(&scanner))
            case "properties": try once(&properties, try scanner.readValue())
            default: _ = try scanner.readValue()
            }
        }
        return EventContext(name: try required(name), time: try required(time), properties: try required(properties))
    }

    static func attribution(_ scanner: inout JSONScanner) throws -> SendAttribution {
        var stepID: String?, channel: String?, template: String??
        try scanner.readObject { scanner, key in
            switch key {
            case "stepID": try once(&stepID, try scanner.readString())
            case "channel": try once(&channel, try scanner.readString())
            case "template": try once(&template, try optional(&scanner) { try $0.readString() })
            default: _ = try scanner.readValue()
            }
        }
        return SendAttribution(stepID: try required(stepID), channel: try required(channel), template: template ?? nil)
    }

    static func history(_ scanner: inout JSONScanner) throws -> JourneyHistory {
        var runCount: Int?, lastEndedAt: Date??, sendTimes: [Date]?
        try scanner.readObject { scanner, key in
            switch key {
            case "runCount": try once(&runCount, try integer(&scanner))
            case "lastEndedAt": try once(&lastEndedAt, try optional(&scanner, date))
            case "sendTimes": try once(&sendTimes, try list(&scanner, date))
            default: _ = try scanner.readValue()
            }
        }
        return JourneyHistory(runCount: try required(runCount), lastEndedAt: lastEndedAt ?? nil, sendTimes: try required(sendTimes))
    }

    static func recheck(_ scanner: inout JSONScanner) throws -> SegmentRecheck {
        var due: Date?, interval: Int64?, firedAt: Date??
        try scanner.readObject { scanner, key in
            switch key {
            case "due": try once(&due, try date(&scanner))
            case "interval": try once(&interval, Int64(try integer(&scanner)))
            case "firedAt": try once(&firedAt, try optional(&scanner, date))
            default: _ = try scanner.readValue()
            }
        }
        return SegmentRecheck(due: try required(due), interval: try required(interval), firedAt: firedAt ?? nil)
    }

    // MARK: - Field rules

    /// Sets a field read for the first time; a key given twice gives up (which of the two
    /// `JSONDecoder` keeps is its business).
    static func once<Value>(_ field: inout Value?, _ value: Value) throws {
        guard field == nil else { throw Unexpected() }
        field = value
    }

    static func required<Value>(_ field: Value?) throws -> Value {
        guard let field else { throw Unexpected() }
        return field
    }

    /// `decodeIfPresent`: `null` is nil (absent is nil too: the field is never set).
    static func optional<Value>(_ scanner: inout JSONScanner, _ read: (inout JSONScanner) throws -> Value) throws -> Value? {
        try scanner.readNull() ? nil : try read(&scanner)
    }

    static func list<Element>(_ scanner: inout JSONScanner, _ read: (inout JSONScanner) throws -> Element) throws -> [Element] {
        var elements: [Element] = []
        try scanner.readArray { elements.append(try read(&$0)) }
        return elements
    }

    /// A dictionary keyed by string; a key given twice gives up.
    static func map<Value>(_ scanner: inout JSONScanner, _ read: (inout JSONScanner) throws -> Value) throws -> [String: Value] {
        var values: [String: Value] = [:]
        try scanner.readObject { scanner, key in
            guard values.updateValue(try read(&scanner), forKey: key) == nil else { throw Unexpected() }
        }
        return values
    }

    static func integer(_ scanner: inout JSONScanner) throws -> Int {
        let (negative, magnitude) = try scanner.readInteger()
        // `readInteger` keeps a negative number at or above −2⁶³, so its two's complement is exact.
        if negative { return Int(Int64(bitPattern: 0 &- magnitude)) }
        guard let value = Int(exactly: magnitude) else { throw Unexpected() }
        return value
    }

    static func unsigned(_ scanner: inout JSONScanner) throws -> UInt64 {
        let (negative, magnitude) = try scanner.readInteger()
        guard !negative else { throw Unexpected() }
        return magnitude
    }

    /// `.secondsSince1970`: a number of seconds, fractions allowed.
    static func date(_ scanner: inout JSONScanner) throws -> Date {
        Date(timeIntervalSince1970: try scanner.readNumber())
    }
}
