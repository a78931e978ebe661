import Foundation
import Synchronization
import JourneyModel
import JourneyRuntime

/// `actions.jsonl`: one line per action, keys in the contract's order
/// (`time, customer, journey, version, run, step, action, channel, template,
/// variant`, then `reason` only when there is one), times in UTC with `Z`.
enum ActionLines {
    static func line(_ action: ActionRecord) -> String {
        var line = ""
        line.reserveCapacity(200)
        append(action, to: &line)
        return line
    }

    static func append(_ action: ActionRecord, to line: inout String) {
        append(action, time: Timestamp.format(action.time), to: &line)
    }

    /// The same, with the action's time already formatted (consecutive actions often share it).
    static func append(_ action: ActionRecord, time: String, to line: inout String) {
        line += "{\"time\":\""
        line += time
        line += "\",\"customer\":"
        quoted(action.customer, to: &line)
        line += ",\"journey\":"
        quoted(action.journey, to: &line)
        line += ",\"version\":"
        line += String(action.version)
        line += ",\"run\":"
        line += String(action.run)
        line += ",\"step\":"
        optional(action.step, to: &line)
        line += ",\"action\":\""
        line += action.action.rawValue
        line += "\",\"channel\":"
        optional(action.channel, to: &line)
        line += ",\"template\":"
        optional(action.template, to: &line)
        line += ",\"variant\":"
        optional(action.variant, to: &line)
        if let reason = action.reason {
            line += ",\"reason\":"
            quoted(reason, to: &line)
        }
        line += "}\n"
    }

    private static func optional(_ text: String?, to line: inout String) {
        if let text { quoted(text, to: &line) } else { line += "null" }
    }

    /// Most ids need no escaping: copy them straight.
    private static func quoted(_ text: String, to line: inout String) {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            line += "\""
            line += text
            line += "\""
        } else {
            JSONValue.writeQuoted(text, to: &line)
        }
    }
}

/// A file written through a buffer, for outputs of millions of lines. Used by one
/// task at a time; the lock makes that safe to state (and costs nothing uncontended).
final class BufferedFile: Sendable {
    private let handle: FileHandle
    private let buffer = Mutex("")

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw SimulationError("cannot create \(path)")
        }
        self.handle = handle
    }

    func write(_ build: (inout String) -> Void) throws {
        try buffer.withLock { buffer in
            build(&buffer)
            if buffer.utf8.count >= 1 << 20 { try flush(&buffer) }
        }
    }

    private func flush(_ buffer: inout String) throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try buffer.withLock { try flush(&$0) }
        try handle.close()
    }
}
