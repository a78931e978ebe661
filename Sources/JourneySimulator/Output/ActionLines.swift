import Foundation
import Synchronization
import JourneyModel
import JourneyRuntime

/// `actions.jsonl`: one line per action, keys in the contract's order
/// (`time, customer, journey, version, run, step, action, channel, template,
/// variant`, then `reason` only when there is one), times in UTC with `Z`.
enum ActionLines {
    static func line(_ action: ActionRecord) -> String {
        var line: [UInt8] = []
        line.reserveCapacity(200)
        append(action, time: Timestamp.format(action.time), to: &line)
        return String(decoding: line, as: UTF8.self)
    }

    /// Appends the line as UTF-8, with the action's time already formatted (consecutive
    /// actions often share it). Bytes rather than `String` appends: a simulation writes
    /// millions of lines, and `String`'s appends cost twice as much per line.
    static func append(_ action: ActionRecord, time: String, to line: inout [UInt8]) {
        literal(#"{"time":""#, to: &line)
        line.append(contentsOf: time.utf8)
        literal(#"","customer":"#, to: &line)
        quoted(action.customer, to: &line)
        literal(#","journey":"#, to: &line)
        quoted(action.journey, to: &line)
        literal(#","version":"#, to: &line)
        integer(action.version, to: &line)
        literal(#","run":"#, to: &line)
        integer(action.run, to: &line)
        literal(#","step":"#, to: &line)
        optional(action.step, to: &line)
        literal(#","action":""#, to: &line)
        line.append(contentsOf: action.action.rawValue.utf8)
        literal(#"","channel":"#, to: &line)
        optional(action.channel, to: &line)
        literal(#","template":"#, to: &line)
        optional(action.template, to: &line)
        literal(#","variant":"#, to: &line)
        optional(action.variant, to: &line)
        if let reason = action.reason {
            literal(#","reason":"#, to: &line)
            quoted(reason, to: &line)
        }
        literal("}\n", to: &line)
    }

    /// Appends fixed text. From its static bytes: appending a string literal's UTF-8 view went
    /// through the generic sequence path, a dozen times a line (2% of a simulation).
    @inline(__always)
    private static func literal(_ text: StaticString, to line: inout [UInt8]) {
        text.withUTF8Buffer { line.append(contentsOf: $0) }
    }

    private static func optional(_ text: String?, to line: inout [UInt8]) {
        if let text { quoted(text, to: &line) } else { literal("null", to: &line) }
    }

    private static func integer(_ value: Int, to line: inout [UInt8]) {
        if value >= 0 && value < 10 {
            line.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            line.append(contentsOf: String(value).utf8)
        }
    }

    /// Most ids need no escaping: copy them straight. The check reads the string's bytes in
    /// place: `allSatisfy` over the UTF-8 view, a call per byte, was 2% of a simulation.
    private static func quoted(_ text: String, to line: inout [UInt8]) {
        // Checked and copied from the same bytes, in one visit of the string's storage
        // (`withUTF8` makes it contiguous first, which a native string already is).
        var text = text
        let copied = text.withUTF8 { bytes -> Bool in
            guard needsNoEscape(bytes) else { return false }
            line.append(UInt8(ascii: "\""))
            line.append(contentsOf: bytes)
            line.append(UInt8(ascii: "\""))
            return true
        }
        if !copied {
            var escaped = ""
            JSONValue.writeQuoted(text, to: &escaped)
            line.append(contentsOf: escaped.utf8)
        }
    }

    private static func needsNoEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where !needsNoEscape(byte) { return false }
        return true
    }

    @inline(__always)
    private static func needsNoEscape(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte != 0x22 && byte != 0x5C
    }
}

/// Formats actions as `actions.jsonl` lines, each instant's text once for a run of actions at
/// it (actions come in bursts at one instant).
struct ActionLineWriter: Sendable {
    private var lastTime: (time: Date, text: String)?

    mutating func append(_ actions: ArraySlice<ActionRecord>, to buffer: inout [UInt8]) {
        var last = lastTime
        for action in actions {
            if last?.time != action.time { last = (action.time, Timestamp.format(action.time)) }
            ActionLines.append(action, time: last!.text, to: &buffer)
        }
        lastTime = last
    }
}

/// A file written through a buffer, for outputs of millions of lines. Used by one
/// task at a time; the lock makes that safe to state (and costs nothing uncontended).
final class BufferedFile: Sendable {
    private let handle: FileHandle
    private let buffer = Mutex<[UInt8]>([])

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw SimulationError("cannot create \(path)")
        }
        self.handle = handle
    }

    /// Appends what `build` writes (UTF-8); the file is written a megabyte at a time.
    func write(_ build: (inout [UInt8]) -> Void) throws {
        try buffer.withLock { buffer in
            build(&buffer)
            if buffer.count >= 1 << 20 { try flush(&buffer) }
        }
    }

    private func flush(_ buffer: inout [UInt8]) throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try buffer.withLock { try flush(&$0) }
        try handle.close()
    }
}
