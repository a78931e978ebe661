import Foundation
import JourneyModel

/// A customer's state packed into one byte array, for customers that stay resident
/// but idle (waiting days for a timer, say).
///
/// A decoded ``CustomerState`` is a tree of dictionaries, arrays and heap strings:
/// about 2 KB for a profile with a few event counters and a run waiting. Packed,
/// the same state is one allocation of a few hundred bytes (well-known keys become
/// one byte, ISO-8601 timestamps seven). Packing or unpacking takes a few
/// microseconds, about what the interpreter spends on one input, and far less than
/// passivating to the store and reading the snapshot back.
///
/// The format is private to the process: it is never written to disk or sent over
/// a wire (snapshots in the store stay JSON), so it carries no version.
/// `decoded()` gives a state equal (`==`) to the one packed.
public struct CompactCustomerState: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(_ state: CustomerState) {
        var writer = CompactWriter()
        writer.write(state)
        // An exact-size copy: the writer's spare capacity would otherwise stay allocated.
        bytes = Array(unsafeUninitializedCapacity: writer.bytes.count) { buffer, count in
            count = buffer.initialize(from: writer.bytes).1
        }
    }

    public func decoded() -> CustomerState {
        var reader = CompactReader(bytes)
        let state = reader.readState()
        precondition(reader.isAtEnd, "compact customer state has bytes left over")
        return state
    }
}

extension CompactWriter {
    mutating func write(_ state: CustomerState) {
        string(state.customerID)
        object(state.profile.attributes)
        count(state.runs.count)
        for run in state.runs { write(run) }
        count(state.history.count)
        for (journeyID, history) in state.history {
            string(journeyID)
            signed(history.runCount)
            optional(history.lastEndedAt) { $0.date($1) }
            count(history.sendTimes.count)
            for time in history.sendTimes { date(time) }
        }
        unsigned(state.lastTimerToken)
        count(state.segmentChecks.count)
        for (journeyID, token) in state.segmentChecks {
            string(journeyID)
            unsigned(token)
        }
        count(state.segmentCheckTimes.count)
        for (journeyID, recheck) in state.segmentCheckTimes {
            string(journeyID)
            date(recheck.due)
            signed(Int(recheck.interval))
            optional(recheck.firedAt) { $0.date($1) }
        }
    }

    mutating func write(_ run: RunState) {
        string(run.journeyID)
        signed(run.version)
        signed(run.number)
        string(run.stepID)
        date(run.enteredAt)
        optional(run.variant) { $0.string($1) }
        count(run.visits.count)
        for (stepID, visits) in run.visits {
            string(stepID)
            signed(visits)
        }
        optional(run.waiting) { writer, waiting in
            writer.byte(waiting.reason.compactCode)
            writer.unsigned(waiting.token)
            writer.optional(waiting.deadline) { $0.date($1) }
        }
        optional(run.event) { writer, event in
            writer.string(event.name)
            writer.date(event.time)
            writer.value(event.properties)
        }
        optional(run.lastSend) { writer, send in
            writer.string(send.stepID)
            writer.string(send.channel)
            writer.optional(send.template) { $0.string($1) }
        }
        bool(run.converted)
    }

    mutating func object(_ members: [String: JSONValue]) {
        count(members.count)
        for (key, member) in members {
            string(key)
            value(member)
        }
    }

    /// Whole numbers that a double holds exactly (not -0) are zig-zag varints; other numbers keep their bits.
    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: byte(0)
        case .bool(let flag): byte(flag ? 2 : 1)
        case .number(let number):
            if number.rounded(.towardZero) == number, abs(number) < 9_007_199_254_740_992, !(number == 0 && number.sign == .minus) {
                byte(3)
                signed(Int(number))
            } else {
                byte(4)
                double(number)
            }
        case .string(let text):
            byte(5)
            string(text)
        case .array(let items):
            byte(6)
            count(items.count)
            for item in items { self.value(item) }
        case .object(let members):
            byte(7)
            object(members)
        }
    }
}

extension CompactReader {
    mutating func readState() -> CustomerState {
        var state = CustomerState(customerID: string(), profile: Profile(attributes: object()))
        state.runs = (0..<count()).map { _ in readRun() }
        let histories = count()
        state.history.reserveCapacity(histories)
        for _ in 0..<histories {
            let journeyID = string()
            let runCount = signed()
            let lastEndedAt = optional { $0.date() }
            let sendTimes = (0..<count()).map { _ in date() }
            state.history[journeyID] = JourneyHistory(runCount: runCount, lastEndedAt: lastEndedAt, sendTimes: sendTimes)
        }
        state.lastTimerToken = unsigned()
        let checks = count()
        state.segmentChecks.reserveCapacity(checks)
        for _ in 0..<checks {
            let journeyID = string()
            state.segmentChecks[journeyID] = unsigned()
        }
        let times = count()
        state.segmentCheckTimes.reserveCapacity(times)
        for _ in 0..<times {
            let journeyID = string()
            state.segmentCheckTimes[journeyID] = SegmentRecheck(due: date(), interval: Int64(signed()), firedAt: optional { $0.date() })
        }
        return state
    }

    mutating func readRun() -> RunState {
        let journeyID = string()
        let version = signed()
        let number = signed()
        let stepID = string()
        let enteredAt = date()
        var run = RunState(journeyID: journeyID, version: version, number: number, stepID: stepID, enteredAt: enteredAt, event: nil)
        run.variant = optional { $0.string() }
        let visits = count()
        run.visits.reserveCapacity(visits)
        for _ in 0..<visits {
            let stepID = string()
            run.visits[stepID] = signed()
        }
        run.waiting = optional { reader in
            let reason = Waiting.Reason(compactCode: reader.byte())
            let token = reader.unsigned()
            return Waiting(reason: reason, token: token, deadline: reader.optional { $0.date() })
        }
        run.event = optional { reader in
            let name = reader.string()
            let time = reader.date()
            return EventContext(name: name, time: time, properties: reader.value())
        }
        run.lastSend = optional { reader in
            let stepID = reader.string()
            let channel = reader.string()
            return SendAttribution(stepID: stepID, channel: channel, template: reader.optional { $0.string() })
        }
        run.converted = bool()
        return run
    }

    mutating func object() -> [String: JSONValue] {
        let members = count()
        var object: [String: JSONValue] = [:]
        object.reserveCapacity(members)
        for _ in 0..<members {
            let key = string()
            object[key] = value()
        }
        return object
    }

    mutating func value() -> JSONValue {
        switch byte() {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .number(Double(signed()))
        case 4: return .number(double())
        case 5: return .string(string())
        case 6: return .array((0..<count()).map { _ in value() })
        case 7: return .object(object())
        case let tag: preconditionFailure("compact customer state has an unknown value tag \(tag)")
        }
    }
}

extension Waiting.Reason {
    fileprivate var compactCode: UInt8 {
        switch self {
        case .delay: 0
        case .event: 1
        case .quietHours: 2
        case .holdout: 3
        }
    }

    fileprivate init(compactCode: UInt8) {
        switch compactCode {
        case 0: self = .delay
        case 1: self = .event
        case 2: self = .quietHours
        case 3: self = .holdout
        default: preconditionFailure("compact customer state has an unknown waiting reason \(compactCode)")
        }
    }
}
