import Foundation
import JourneyModel
import JourneyRuntime

/// How to read event logs: which columns hold the customer, the event name and
/// the time, the zone of times written without an offset, and whether bad rows
/// stop the run or are counted.
public struct EventLogOptions: Sendable {
    public var customerColumn: String
    public var eventColumn: String
    public var timeColumn: String
    /// The zone of times without an offset (`2024-03-13 11:23:32`, `2024-03-13`).
    public var timeZone: TimeZone
    /// Count bad rows (in the summary) instead of stopping at the first one.
    public var skipBadRows: Bool

    public init(
        customerColumn: String = "customer_id", eventColumn: String = "event", timeColumn: String = "time",
        timeZone: TimeZone = ZonedCalendar.utc, skipBadRows: Bool = false
    ) {
        self.customerColumn = customerColumn
        self.eventColumn = eventColumn
        self.timeColumn = timeColumn
        self.timeZone = timeZone
        self.skipBadRows = skipBadRows
    }
}

/// One event read from a log, with its position in the input (ties in time keep input order).
public struct LoggedEvent: Sendable, Hashable {
    public var customerID: String
    public var name: String
    public var time: Date
    public var properties: [String: JSONValue]

    public init(customerID: String, name: String, time: Date, properties: [String: JSONValue] = [:]) {
        self.customerID = customerID
        self.name = name
        self.time = time
        self.properties = properties
    }

    var customerEvent: CustomerEvent {
        CustomerEvent(customerID: customerID, name: name, time: time, properties: properties)
    }
}

/// What reading the inputs produced: events in input order, profiles, and the bad rows skipped.
public struct EventLog: Sendable {
    public var events: [LoggedEvent] = []
    public var profiles: [ProfileChange] = []
    /// Rows skipped with `--skip-bad-rows`, each with its diagnostic (the first few are printed).
    public var badRows: [Diagnostic] = []
    public var badRowCount = 0

    public init() {}

    /// Bad rows kept with their diagnostics; the rest are only counted.
    static let keptBadRows = 100

    mutating func skip(_ diagnostic: Diagnostic) {
        badRowCount += 1
        if badRows.count < Self.keptBadRows { badRows.append(diagnostic) }
    }

    /// Adds what a later read produced, as if it had been read into this log.
    mutating func append(_ later: EventLog) {
        events += later.events
        profiles += later.profiles
        badRows += later.badRows.prefix(max(0, Self.keptBadRows - badRows.count))
        badRowCount += later.badRowCount
    }

    /// Events ordered by time, keeping input order among equal times.
    public func sortedEvents() -> [LoggedEvent] {
        var sorted = true
        for index in events.indices.dropFirst() where events[index].time < events[index - 1].time {
            sorted = false
            break
        }
        if sorted { return events }
        // Sort compact (time, position) keys rather than the events themselves.
        var keys = events.indices.map { (time: events[$0].time.timeIntervalSince1970, position: $0) }
        keys.sort { ($0.time, $0.position) < ($1.time, $1.position) }
        return keys.map { events[$0.position] }
    }
}

/// Reads event logs and profile files in the formats of the simulation contract.
public enum EventLogReader {
    /// Reads every events file (CSV or JSONL, optionally gzipped, chosen by the name) and the profiles.
    public static func read(events files: [String], profiles: [String] = [], options: EventLogOptions) throws -> EventLog {
        var log = EventLog()
        for file in files {
            if isJSONLines(file) {
                try JSONLinesEventReader(path: file, options: options).read(into: &log)
            } else {
                try CSVEventReader(path: file, options: options).read(into: &log)
            }
        }
        for file in profiles {
            try ProfileReader(path: file, options: options).read(into: &log)
        }
        return log
    }

    static func isJSONLines(_ file: String) -> Bool {
        let name = file.hasSuffix(".gz") ? String(file.dropLast(3)) : file
        return name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json")
    }
}
