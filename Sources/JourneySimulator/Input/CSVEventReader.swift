import Foundation
import JourneyModel

/// Reads a CSV event log: a header row, then one event per record. The
/// customer, event and time columns are named by the options; every other
/// named column is a property of the event (a number when the cell is one);
/// an empty cell is an absent property. Columns without a name (a pandas
/// index, a trailing comma) hold no property.
struct CSVEventReader {
    let path: String
    let options: EventLogOptions

    func read(into log: inout EventLog) throws {
        var scanner = CSVScanner(chunks: try ByteChunks(path: path))
        var fields: [CSVScanner.Field] = []
        var header: [String] = []
        do {
            while header.isEmpty {
                guard try scanner.next(into: &fields) != nil else {
                    throw Diagnostic.error("no-header", "the file is empty: expected a header row naming the columns", at: location(1, 1))
                }
                header = fields.map { scanner.string($0).trimmingCharacters(in: .whitespaces) }
            }
        } catch let error as CSVScanner.SyntaxError {
            throw Diagnostic.error("bad-header", error.message, at: location(error.line, error.column))
        }
        let headerLine = fields.first?.line ?? 1
        var seen: [String: Int] = [:]
        for (index, name) in header.enumerated() where !name.isEmpty {
            if let earlier = seen[name] {
                throw Diagnostic.error("duplicate-column", "column `\(name)` appears twice in the header (columns \(earlier + 1) and \(index + 1))", at: location(headerLine, scanner.column(of: fields[index])))
            }
            seen[name] = index
        }
        func required(_ name: String, flag: String) throws -> Int {
            guard let index = seen[name] else {
                throw Diagnostic.error(
                    "missing-column", "no column `\(name)` in the header; the columns are \(header.map { "`\($0)`" }.joined(separator: ", "))",
                    hint: "name the column with \(flag)", at: location(headerLine, 1))
            }
            return index
        }
        let customerIndex = try required(options.customerColumn, flag: "--customer-column")
        let eventIndex = try required(options.eventColumn, flag: "--event-column")
        let timeIndex = try required(options.timeColumn, flag: "--time-column")
        let zone = options.timeZone
        // Every named column but those three holds a property; which ones is the same for every row.
        let propertyColumns = header.indices.filter {
            $0 != customerIndex && $0 != eventIndex && $0 != timeIndex && !header[$0].isEmpty
        }

        while true {
            let more: Bool?
            do {
                more = try scanner.next(into: &fields)
            } catch let error as CSVScanner.SyntaxError {
                try reject(error.message, line: error.line, column: error.column, log: &log)
                continue
            }
            guard let more else { break }
            if !more || fields.isEmpty { continue }
            let line = fields[0].line
            guard fields.count == header.count else {
                let column = fields.count > header.count
                    ? scanner.column(of: fields[header.count]) : scanner.column(of: fields[fields.count - 1].end, lineStart: fields[fields.count - 1].lineStart)
                try reject("the row has \(fields.count) fields but the header has \(header.count)", line: line, column: column, log: &log)
                continue
            }
            let customer = fields[customerIndex]
            if customer.isEmpty {
                try reject("empty customer id in column `\(header[customerIndex])`", line: customer.line, column: scanner.column(of: customer), log: &log)
                continue
            }
            let event = fields[eventIndex]
            if event.isEmpty {
                try reject("empty event name in column `\(header[eventIndex])`", line: event.line, column: scanner.column(of: event), log: &log)
                continue
            }
            let timeField = fields[timeIndex]
            let time = scanner.withBytes(timeField) { bytes -> Date? in
                let bytes = CellValues.trimmingBlanks(bytes)
                return bytes.isEmpty ? nil : Timestamp.parse(String(decoding: bytes, as: UTF8.self), defaultZone: zone)
            }
            guard let time else {
                let message = timeField.isEmpty
                    ? "empty time in column `\(header[timeIndex])`"
                    : "cannot read the time `\(scanner.string(timeField))` in column `\(header[timeIndex])`: \(CellValues.timeHelp)"
                try reject(message, line: timeField.line, column: scanner.column(of: timeField), log: &log)
                continue
            }
            // Sized before it is filled: grown one property at a time, the table was rebuilt at
            // every doubling, a third of the time spent reading a log with a column per property.
            var properties: [String: JSONValue] = [:]
            properties.reserveCapacity(propertyColumns.count(where: { !fields[$0].isEmpty }))
            for index in propertyColumns where !fields[index].isEmpty {
                let field = fields[index]
                properties[header[index]] = field.escapes
                    ? .string(scanner.string(field))
                    : scanner.withBytes(field) { bytes in CellValues.value(bytes) { String(decoding: bytes, as: UTF8.self) } }
            }
            log.events.append(LoggedEvent(customerID: scanner.string(customer), name: scanner.string(event), time: time, properties: properties))
        }
    }

    private func location(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: path, line: line, column: column)
    }

    /// A bad row: an error, or with `--skip-bad-rows` a count.
    private func reject(_ message: String, line: Int, column: Int, log: inout EventLog) throws {
        let diagnostic = Diagnostic.error("bad-row", message, at: location(line, column))
        guard options.skipBadRows else { throw diagnostic }
        log.skip(diagnostic)
    }
}
