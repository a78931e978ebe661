import Foundation
import JourneyModel
import JourneyRuntime

/// Lines of a byte stream, one chunk at a time.
struct LineScanner {
    private let chunks: ByteChunks
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    /// Whether the start of the input has been looked at for a byte-order mark.
    private var pastStart = false
    private(set) var line = 0

    init(chunks: ByteChunks) {
        self.chunks = chunks
    }

    /// Calls `body` with the next line (without its line break); false at the end of the input.
    /// A UTF-8 byte-order mark at the start of the input is skipped, as the CSV reader does.
    mutating func next(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws -> Bool {
        while !pastStart {
            if buffer.count >= 3 || exhausted {
                pastStart = true
                if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
            } else if try !chunks.read(into: &buffer) {
                exhausted = true
            }
        }
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                line += 1
                var end = newline
                if end > position, buffer[end - 1] == 0x0D { end -= 1 }
                let start = position
                position = newline + 1
                try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end]), line) }
                return true
            }
            if exhausted {
                guard position < buffer.count else { return false }
                line += 1
                let start = position
                position = buffer.count
                try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start...]), line) }
                return true
            }
            if position > 0 {
                buffer.removeSubrange(0..<position)
                position = 0
            }
            if try !chunks.read(into: &buffer) { exhausted = true }
        }
    }

    /// The 1-based column, in characters, of a byte offset in a line.
    static func column(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var column = 1
        for index in 0..<min(offset, bytes.count) where bytes[index] & 0xC0 != 0x80 { column += 1 }
        return column
    }

    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}

/// Reads a JSON Lines event log: one object per line with the customer id, the
/// event name (`event`, or `name`), the time and optional `properties`. Other
/// keys at the top level are properties too (those in `properties` win).
struct JSONLinesEventReader {
    let path: String
    let options: EventLogOptions

    func read(into log: inout EventLog) throws {
        var lines = LineScanner(chunks: try ByteChunks(path: path))
        let eventKeys = options.eventColumn == "event" ? ["event", "name"] : [options.eventColumn]
        let zone = options.timeZone
        while try lines.next({ bytes, line in
            if LineScanner.isBlank(bytes) { return }
            func reject(_ message: String, offset: Int) throws {
                let diagnostic = Diagnostic.error("bad-row", message, at: SourceLocation(file: path, line: line, column: LineScanner.column(of: offset, in: bytes)))
                guard options.skipBadRows else { throw diagnostic }
                log.skip(diagnostic)
            }
            let fields: [String: JSONValue]
            let offsets: [String: Int]
            do {
                (fields, offsets) = try JSONScanner.parseObject(bytes)
            } catch let error as JSONScanner.SyntaxError {
                return try reject(error.message, offset: error.offset)
            }
            guard let customer = Self.identifier(fields[options.customerColumn], in: bytes, at: offsets[options.customerColumn]) else {
                let present = fields[options.customerColumn] != nil
                return try reject(present ? "`\(options.customerColumn)` must be a non-empty string" : "no `\(options.customerColumn)` on this line",
                                  offset: offsets[options.customerColumn] ?? 0)
            }
            guard let eventKey = eventKeys.first(where: { fields[$0] != nil }) else {
                return try reject("no `\(eventKeys.joined(separator: "` or `"))` (the event name) on this line", offset: 0)
            }
            guard let name = fields[eventKey]?.stringValue, !name.isEmpty else {
                return try reject("`\(eventKey)` must be a non-empty string", offset: offsets[eventKey] ?? 0)
            }
            guard let timeValue = fields[options.timeColumn] else {
                return try reject("no `\(options.timeColumn)` on this line", offset: 0)
            }
            guard let text = timeValue.stringValue, let time = Timestamp.parse(text, defaultZone: zone) else {
                return try reject("cannot read the time \(timeValue) in `\(options.timeColumn)`: \(CellValues.timeHelp)", offset: offsets[options.timeColumn] ?? 0)
            }
            var properties: [String: JSONValue] = [:]
            for (key, value) in fields where key != options.customerColumn && key != eventKey && key != options.timeColumn && key != "properties" {
                properties[key] = value
            }
            if let nested = fields["properties"] {
                guard let object = nested.objectValue else {
                    return try reject("`properties` must be an object", offset: offsets["properties"] ?? 0)
                }
                properties.merge(object) { _, inner in inner }
            }
            log.events.append(LoggedEvent(customerID: customer, name: name, time: time, properties: properties))
        }) {}
    }

    /// An id given as a string, or as a whole number (written without a fraction).
    ///
    /// A number written as digits (`-?[0-9]+`) is the id exactly as written: ids such as
    /// `1234567890123456789` are past what a `Double` holds exactly, and two customers
    /// whose ids differ in the last digits must stay two customers. Other spellings of a
    /// whole number (`1e3`, `12.0`) read as the number.
    static func identifier(_ value: JSONValue?, in line: UnsafeBufferPointer<UInt8>? = nil, at offset: Int? = nil) -> String? {
        switch value {
        case .string(let text) where !text.isEmpty: text
        case .number(let number) where number == number.rounded():
            if let line, let offset, let digits = integerLiteral(in: line, at: offset) { digits } else { JSONValue.format(number) }
        default: nil
        }
    }

    /// The integer literal (`-?[0-9]+`, ending where a JSON number ends) at `offset`, or nil.
    static func integerLiteral(in line: UnsafeBufferPointer<UInt8>, at offset: Int) -> String? {
        var end = offset
        if end < line.count, line[end] == UInt8(ascii: "-") { end += 1 }
        let digitsStart = end
        while end < line.count, line[end] &- UInt8(ascii: "0") < 10 { end += 1 }
        guard end > digitsStart else { return nil }
        if end < line.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(line[end]) { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: line[offset..<end]), as: UTF8.self)
    }
}

/// Reads profiles to start from: JSON Lines of `{customer_id, attributes, identities, consent}`.
struct ProfileReader {
    let path: String
    let options: EventLogOptions

    func read(into log: inout EventLog) throws {
        var lines = LineScanner(chunks: try ByteChunks(path: path))
        let allowed: Set<String> = ["customer_id", "attributes", "identities", "consent"]
        while try lines.next({ bytes, line in
            if LineScanner.isBlank(bytes) { return }
            func reject(_ message: String, offset: Int) throws {
                let diagnostic = Diagnostic.error("bad-profile", message, at: SourceLocation(file: path, line: line, column: LineScanner.column(of: offset, in: bytes)))
                guard options.skipBadRows else { throw diagnostic }
                log.skip(diagnostic)
            }
            let fields: [String: JSONValue]
            let offsets: [String: Int]
            do {
                (fields, offsets) = try JSONScanner.parseObject(bytes)
            } catch let error as JSONScanner.SyntaxError {
                return try reject(error.message, offset: error.offset)
            }
            if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
                return try reject("unknown key `\(unknown)`: a profile line has `customer_id`, `attributes`, `identities` and `consent`", offset: offsets[unknown] ?? 0)
            }
            guard let customer = JSONLinesEventReader.identifier(fields["customer_id"], in: bytes, at: offsets["customer_id"]) else {
                return try reject("no `customer_id` (a non-empty string) on this line", offset: offsets["customer_id"] ?? 0)
            }
            var change = ProfileChange(customerID: customer)
            if let attributes = fields["attributes"] {
                guard let object = attributes.objectValue else { return try reject("`attributes` must be an object", offset: offsets["attributes"] ?? 0) }
                change.attributes = object
            }
            if let identities = fields["identities"] {
                guard let object = identities.objectValue else { return try reject("`identities` must be an object", offset: offsets["identities"] ?? 0) }
                for (key, value) in object {
                    guard let id = Self.text(value) else { return try reject("identity `\(key)` must be a string", offset: offsets["identities"] ?? 0) }
                    change.identities[key] = id
                }
            }
            if let consent = fields["consent"] {
                guard let object = consent.objectValue else { return try reject("`consent` must be an object of true/false", offset: offsets["consent"] ?? 0) }
                for (key, value) in object {
                    guard let granted = value.boolValue else { return try reject("consent `\(key)` must be true or false", offset: offsets["consent"] ?? 0) }
                    change.consent[key] = granted
                }
            }
            log.profiles.append(change)
        }) {}
    }

    static func text(_ value: JSONValue) -> String? {
        if let text = value.stringValue { return text }
        if let number = value.numberValue { return JSONValue.format(number) }
        return nil
    }
}
