import Logging
import Synchronization

/// What a ``RecordingLogHandler`` saw, shared by every copy of it.
final class LogRecord: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let state = Mutex<(lines: [Line], stamps: Int)>(([], 0))
    var lines: [Line] { state.withLock { $0.lines } }
    /// How many times metadata was set on a handler.
    var metadataStamps: Int { state.withLock { $0.stamps } }
    func append(_ line: Line) { state.withLock { $0.lines.append(line) } }
    func stamped() { state.withLock { $0.stamps += 1 } }
}

/// Keeps every line logged at `logLevel` or above, with its metadata and the handler's, and
/// counts every time metadata is set on the handler (what a library stamps on a logger it is given).
struct RecordingLogHandler: LogHandler {
    let record: LogRecord
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:] {
        didSet { record.stamped() }
    }

    init(record: LogRecord, logLevel: Logger.Level) {
        self.record = record
        self.logLevel = logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        event.metadata.map { merged.merge($0) { $1 } }
        record.append(LogRecord.Line(level: event.level, message: "\(event.message)", metadata: merged))
    }
}
