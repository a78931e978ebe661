import Foundation
import JourneyModel
import JourneyRuntime

/// Writes the JSON blobs of the hot rows (snapshots, outbox messages, actions)
/// directly into bytes, without `JSONEncoder`.
///
/// Profiling the commit path showed `JSONEncoder` taking about 90% of the CPU
/// time of `SQLiteShardStore.commit`, SQLite itself a few percent. This writer
/// produces the same document as the synthesized `Codable` conformances with
/// ``BlobCoder``'s settings — the same keys, optionals left out when nil,
/// dates as seconds since 1970 — so every blob still decodes with
/// `JSONDecoder`, and blobs written before and after read back identically.
/// Values it does not write itself (a webhook's definition) go through
/// `JSONEncoder`, as do non-finite numbers (which that encoder refuses, as before).
struct BlobWriter {
    private(set) var bytes: [UInt8] = []
    /// Set when a value needs `JSONEncoder` after all.
    private(set) var unsupported = false

    init() {}

    /// A writer for one blob, with room for a typical snapshot.
    static func start() -> BlobWriter {
        var writer = BlobWriter()
        writer.bytes.reserveCapacity(1024)
        return writer
    }

    var data: Data { Data(bytes) }

    // MARK: Scalars

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func number(_ value: Double) {
        guard value.isFinite else {
            unsupported = true
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if value == value.rounded(), abs(value) < 9.0e15 {
            integer(Int64(value))
        } else {
            // The shortest text that reads back as exactly this Double.
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func integer(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            unsigned(value.magnitude)
        } else {
            unsigned(UInt64(value))
        }
    }

    mutating func integer(_ value: Int) { integer(Int64(value)) }

    mutating func unsigned(_ value: UInt64) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }

    mutating func bool(_ value: Bool) {
        if value {
            bytes.append(contentsOf: "true".utf8)
        } else {
            bytes.append(contentsOf: "false".utf8)
        }
    }

    mutating func date(_ date: Date) { number(date.timeIntervalSince1970) }

    mutating func json(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let flag): bool(flag)
        case .number(let value): number(value)
        case .string(let text): string(text)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                json(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            object { writer in
                for (key, member) in members { writer.field(key) { $0.json(member) } }
            }
        }
    }

    // MARK: Structure

    /// Writes `{…}`; `body` adds fields with ``field(_:_:)``.
    mutating func object(_ body: (inout ObjectWriter) -> Void) {
        var members = ObjectWriter(writer: self)
        self = BlobWriter()
        members.writer.bytes.append(UInt8(ascii: "{"))
        body(&members)
        members.writer.bytes.append(UInt8(ascii: "}"))
        self = members.writer
    }

    struct ObjectWriter {
        var writer: BlobWriter
        var first = true

        mutating func field(_ key: String, _ value: (inout BlobWriter) -> Void) {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.string(key)
            writer.bytes.append(UInt8(ascii: ":"))
            value(&writer)
        }

        /// A field left out when nil, as synthesized `Codable` does (`encodeIfPresent`).
        mutating func field<Value>(_ key: String, ifPresent value: Value?, _ write: (inout BlobWriter, Value) -> Void) {
            guard let value else { return }
            field(key) { write(&$0, value) }
        }
    }
}

// MARK: - The documents

extension BlobWriter {
    mutating func write(_ state: CustomerState) {
        object { o in
            o.field("customerID") { $0.string(state.customerID) }
            o.field("profile") { w in w.object { p in p.field("attributes") { $0.json(.object(state.profile.attributes)) } } }
            o.field("runs") { w in
                w.bytes.append(UInt8(ascii: "["))
                for (index, run) in state.runs.enumerated() {
                    if index > 0 { w.bytes.append(UInt8(ascii: ",")) }
                    w.write(run)
                }
                w.bytes.append(UInt8(ascii: "]"))
            }
            o.field("history") { w in
                w.object { h in
                    for (journey, history) in state.history { h.field(journey) { $0.write(history) } }
                }
            }
            o.field("lastTimerToken") { $0.unsigned(state.lastTimerToken) }
            o.field("segmentChecks") { w in
                w.object { s in
                    for (journey, token) in state.segmentChecks { s.field(journey) { $0.unsigned(token) } }
                }
            }
            o.field("segmentCheckTimes") { w in
                w.object { s in
                    for (journey, recheck) in state.segmentCheckTimes {
                        s.field(journey) { w in
                            w.object { r in
                                r.field("due") { $0.date(recheck.due) }
                                r.field("interval") { $0.integer(recheck.interval) }
                                r.field("firedAt", ifPresent: recheck.firedAt) { $0.date($1) }
                            }
                        }
                    }
                }
            }
        }
    }

    mutating func write(_ run: RunState) {
        object { o in
            o.field("journeyID") { $0.string(run.journeyID) }
            o.field("version") { $0.integer(run.version) }
            o.field("number") { $0.integer(run.number) }
            o.field("stepID") { $0.string(run.stepID) }
            o.field("enteredAt") { $0.date(run.enteredAt) }
            o.field("variant", ifPresent: run.variant) { $0.string($1) }
            o.field("visits") { w in
                w.object { v in
                    for (step, count) in run.visits { v.field(step) { $0.integer(count) } }
                }
            }
            o.field("waiting", ifPresent: run.waiting) { w, waiting in
                w.object { x in
                    x.field("reason") { $0.string(waiting.reason.rawValue) }
                    x.field("token") { $0.unsigned(waiting.token) }
                    x.field("deadline", ifPresent: waiting.deadline) { $0.date($1) }
                }
            }
            o.field("event", ifPresent: run.event) { $0.write($1) }
            o.field("lastSend", ifPresent: run.lastSend) { w, send in
                w.object { s in
                    s.field("stepID") { $0.string(send.stepID) }
                    s.field("channel") { $0.string(send.channel) }
                    s.field("template", ifPresent: send.template) { $0.string($1) }
                }
            }
            o.field("converted") { $0.bool(run.converted) }
        }
    }

    mutating func write(_ history: JourneyHistory) {
        object { o in
            o.field("runCount") { $0.integer(history.runCount) }
            o.field("lastEndedAt", ifPresent: history.lastEndedAt) { $0.date($1) }
            o.field("sendTimes") { w in
                w.bytes.append(UInt8(ascii: "["))
                for (index, time) in history.sendTimes.enumerated() {
                    if index > 0 { w.bytes.append(UInt8(ascii: ",")) }
                    w.date(time)
                }
                w.bytes.append(UInt8(ascii: "]"))
            }
        }
    }

    mutating func write(_ event: EventContext) {
        object { o in
            o.field("name") { $0.string(event.name) }
            o.field("time") { $0.date(event.time) }
            o.field("properties") { $0.json(event.properties) }
        }
    }

    /// A message; one with a webhook definition is left to `JSONEncoder` (``unsupported``).
    mutating func write(_ message: OutboundMessage) {
        guard message.webhook == nil else {
            unsupported = true
            return
        }
        object { o in
            o.field("idempotencyKey") { $0.string(message.idempotencyKey) }
            o.field("kind") { $0.string(message.kind.rawValue) }
            o.field("time") { $0.date(message.time) }
            o.field("customerID") { $0.string(message.customerID) }
            o.field("journeyID") { $0.string(message.journeyID) }
            o.field("version") { $0.integer(message.version) }
            o.field("run") { $0.integer(message.run) }
            o.field("stepID") { $0.string(message.stepID) }
            o.field("visit") { $0.integer(message.visit) }
            o.field("channel") { $0.string(message.channel) }
            o.field("template", ifPresent: message.template) { $0.string($1) }
            o.field("message", ifPresent: message.message) { $0.string($1) }
            o.field("data", ifPresent: message.data) { $0.json($1) }
            o.field("profile") { $0.json(message.profile) }
            o.field("event", ifPresent: message.event) { $0.write($1) }
            o.field("variant", ifPresent: message.variant) { $0.string($1) }
        }
    }

    mutating func write(_ action: ActionRecord) {
        object { o in
            o.field("time") { $0.date(action.time) }
            o.field("customer") { $0.string(action.customer) }
            o.field("journey") { $0.string(action.journey) }
            o.field("version") { $0.integer(action.version) }
            o.field("run") { $0.integer(action.run) }
            o.field("step", ifPresent: action.step) { $0.string($1) }
            o.field("action") { $0.string(action.action.rawValue) }
            o.field("channel", ifPresent: action.channel) { $0.string($1) }
            o.field("template", ifPresent: action.template) { $0.string($1) }
            o.field("variant", ifPresent: action.variant) { $0.string($1) }
            o.field("reason", ifPresent: action.reason) { $0.string($1) }
        }
    }
}
