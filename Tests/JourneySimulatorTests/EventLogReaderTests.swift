import Foundation
import JourneyModel
@testable import JourneySimulator
import Testing

/// CSV, JSON Lines and gzip event logs: values, quoting, order, zones, and every bad-row error with its place.
@Suite struct EventLogReaderTests {
    static let header = "customer_id,event,time,sku,value,note\n"

    func read(_ name: String, _ text: String, options: EventLogOptions = EventLogOptions()) throws -> EventLog {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let file = try directory.write(name, text)
        return try EventLogReader.read(events: [file], options: options)
    }

    /// The message of the error reading `text`, with the file name replaced by `F`.
    func failure(_ name: String, _ text: String, options: EventLogOptions = EventLogOptions()) throws -> String {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let file = try directory.write(name, text)
        do {
            _ = try EventLogReader.read(events: [file], options: options)
        } catch let diagnostic as Diagnostic {
            return diagnostic.description.replacingOccurrences(of: file, with: "F")
        }
        Issue.record("no error for \(text)")
        return ""
    }

    @Test func csvCellsBecomePropertiesNumbersWhereTheyAreNumbers() throws {
        let log = try read("e.csv", Self.header + "c1,add_to_cart,2024-03-01T09:00:00Z,SKU-1,30,\nc2,view,2024-03-01T09:00:01Z,007,-2.5e1,+8613800000001\n")
        #expect(log.events.count == 2)
        #expect(log.events[0].customerID == "c1")
        #expect(log.events[0].name == "add_to_cart")
        #expect(log.events[0].time == Date(timeIntervalSince1970: 1_709_283_600))
        #expect(log.events[0].properties == ["sku": "SKU-1", "value": 30])  // the empty note is absent
        #expect(log.events[1].properties == ["sku": "007", "value": -25, "note": "+8613800000001"])
    }

    @Test func rfc4180QuotingCommasLineBreaksAndDoubledQuotes() throws {
        let text = Self.header
            + "c1,view,2024-03-01T09:00:00Z,\"A,B\",\"12\",\"she said \"\"hi\"\"\"\r\n"
            + "c2,view,2024-03-01T09:00:00Z,X,1,\"two\nlines\"\r\n"
            + "\"c3\",\"view\",\"2024-03-01 09:00:00\",\"\",,\"\"\n"
        let log = try read("e.csv", text)
        #expect(log.events.map(\.customerID) == ["c1", "c2", "c3"])
        #expect(log.events[0].properties == ["sku": "A,B", "value": 12, "note": "she said \"hi\""])
        #expect(log.events[1].properties["note"] == "two\nlines")
        #expect(log.events[2].properties.isEmpty)
    }

    /// Spaces around a number are not part of it (` 12 ` is 12, as Python's `float` and pandas
    /// read it); text, ids and names keep theirs. Times are read without them.
    @Test func blanksAroundNumbersAndTimesAreNotPartOfThem() throws {
        let log = try read("e.csv", Self.header + "c1,view, 2024-03-01T09:00:00Z ,\" SKU \", 12 ,\t-2.5\t\nc2,view,2024-03-01 09:00:01, , 007 ,1 2\n")
        #expect(log.events.count == 2)
        #expect(log.events[0].time == Date(timeIntervalSince1970: 1_709_283_600))
        #expect(log.events[0].properties == ["sku": " SKU ", "value": 12, "note": -2.5])
        // A blank cell is text, not an absent property; `007` stays text; `1 2` is no number.
        #expect(log.events[1].properties == ["sku": " ", "value": " 007 ", "note": "1 2"])
    }

    /// Columns without a name (a pandas index column, a trailing comma on every line) hold no
    /// property, and two of them are not a repeated column.
    @Test func columnsWithoutANameAreIgnored() throws {
        let log = try read("e.csv", ",customer_id,event,time,sku,\n0,c1,view,2024-03-01,X,\n1,c2,view,2024-03-02,Y,\n")
        #expect(log.events.map(\.customerID) == ["c1", "c2"])
        #expect(log.events.map(\.properties) == [["sku": "X"], ["sku": "Y"]])
    }

    @Test func aByteOrderMarkBlankLinesAndAMissingLastLineBreakAreFine() throws {
        let log = try read("e.csv", "\u{FEFF}customer_id,event,time\n\nc1,a,2024-03-01\n\nc2,b,2024-03-02")
        #expect(log.events.map(\.name) == ["a", "b"])
    }

    @Test func columnsAreMappedByName() throws {
        let options = EventLogOptions(customerColumn: "user", eventColumn: "action", timeColumn: "ts")
        let log = try read("e.csv", "ts,action,user,customer_id\n2024-03-01T00:00:00Z,open,u1,legacy\n", options: options)
        #expect(log.events[0].customerID == "u1")
        #expect(log.events[0].name == "open")
        #expect(log.events[0].properties == ["customer_id": "legacy"])
    }

    @Test func everyBadRowNamesItsLineAndColumn() throws {
        let header = "customer_id,event,time,note\n"
        #expect(try failure("e.csv", header + "c1,a,2024-03-01T00:00:00Z\n")
            == "F:2:26: error: the row has 3 fields but the header has 4")
        #expect(try failure("e.csv", header + "c1,a,2024-03-01T00:00:00Z,x,extra\n")
            == "F:2:29: error: the row has 5 fields but the header has 4")
        #expect(try failure("e.csv", header + ",a,2024-03-01T00:00:00Z,x\n")
            == "F:2:1: error: empty customer id in column `customer_id`")
        #expect(try failure("e.csv", header + "c1,,2024-03-01T00:00:00Z,x\n")
            == "F:2:4: error: empty event name in column `event`")
        #expect(try failure("e.csv", header + "c1,a,,x\n")
            == "F:2:6: error: empty time in column `time`")
        #expect(try failure("e.csv", header + "c1,a,yesterday,x\n")
            == "F:2:6: error: cannot read the time `yesterday` in column `time`: \(CellValues.timeHelp)")
        #expect(try failure("e.csv", header + "c1,a,2024-02-30,x\n")
            == "F:2:6: error: cannot read the time `2024-02-30` in column `time`: \(CellValues.timeHelp)")
        #expect(try failure("e.csv", header + "c1,a,2024-03-01,\"open\n")
            == "F:2:17: error: a quoted field is not closed: a closing `\"` is missing")
        #expect(try failure("e.csv", header + "c1,a,2024-03-01,\"x\"y\n")
            == "F:2:20: error: unexpected text after a quoted field's closing `\"`: a field is either all in quotes or has none")
        #expect(try failure("e.csv", header + "c1,a,2024-03-01,x\"y\n")
            == "F:2:18: error: a `\"` inside an unquoted field: put the whole field in quotes and double the quote (`\"\"`)")
        // Columns count characters, not bytes.
        #expect(try failure("e.csv", "customer_id,event,note,time\n顾客,a,茶叶,soon\n")
            == "F:2:9: error: cannot read the time `soon` in column `time`: \(CellValues.timeHelp)")
        // A line after a multi-line quoted field still gets its own number.
        #expect(try failure("e.csv", header + "c1,a,2024-03-01,\"x\ny\"\nc2,a,never,x\n")
            == "F:4:6: error: cannot read the time `never` in column `time`: \(CellValues.timeHelp)")
    }

    @Test func headerProblemsAreErrorsEvenWhenSkippingBadRows() throws {
        let skip = EventLogOptions(skipBadRows: true)
        #expect(try failure("e.csv", "customer_id,event,when\nc1,a,2024-03-01\n", options: skip)
            == "F:1:1: error: no column `time` in the header; the columns are `customer_id`, `event`, `when`\n    hint: name the column with --time-column")
        #expect(try failure("e.csv", "customer_id,event,time,event\n", options: skip)
            == "F:1:24: error: column `event` appears twice in the header (columns 2 and 4)")
        #expect(try failure("e.csv", "", options: skip)
            == "F:1:1: error: the file is empty: expected a header row naming the columns")
    }

    @Test func skipBadRowsCountsThemAndKeepsTheRest() throws {
        let log = try read(
            "e.csv", "customer_id,event,time\nc1,a,2024-03-01\nc2,,2024-03-01\nc3,a,bad\nc4,a,\"x\nc5,a,2024-03-02\n",
            options: EventLogOptions(skipBadRows: true))
        // The unclosed quote swallows the rest of the file into one bad record.
        #expect(log.events.map(\.customerID) == ["c1"])
        #expect(log.badRowCount == 3)
        #expect(log.badRows.map(\.location.line) == [3, 4, 5])
    }

    @Test func unsortedInputIsOrderedByTimeKeepingInputOrderAtEqualTimes() throws {
        let log = try read("e.csv", "customer_id,event,time\nc1,third,2024-03-02\nc1,first,2024-03-01\nc2,second,2024-03-01\nc3,fourth,2024-03-02\n")
        #expect(log.sortedEvents().map(\.name) == ["first", "second", "third", "fourth"])
    }

    @Test func timesWithoutAnOffsetAreInTheGivenZone() throws {
        let shanghai = EventLogOptions(timeZone: ZonedCalendar.zone(named: "Asia/Shanghai")!)
        let text = "customer_id,event,time\nc1,a,2024-03-01 09:00:00\nc1,b,2024-03-01\nc1,c,2024-03-01T09:00:00+09:00\nc1,d,2024-03-01T09:00:00Z\n"
        let log = try read("e.csv", text, options: shanghai)
        #expect(log.events.map { Timestamp.format($0.time) } == ["2024-03-01T01:00:00Z", "2024-02-29T16:00:00Z", "2024-03-01T00:00:00Z", "2024-03-01T09:00:00Z"])
        let utc = try read("e.csv", text)
        #expect(Timestamp.format(utc.events[0].time) == "2024-03-01T09:00:00Z")
        // A local time skipped by spring forward is the end of the gap.
        let berlin = EventLogOptions(timeZone: ZonedCalendar.zone(named: "Europe/Berlin")!)
        let gap = try read("e.csv", "customer_id,event,time\nc1,a,2024-03-31 02:30:00\n", options: berlin)
        #expect(Timestamp.format(gap.events[0].time) == "2024-03-31T01:00:00Z")
    }

    @Test func jsonLinesWithEventOrNamePropertiesAndOtherKeys() throws {
        let text = """
            {"customer_id":"c1","event":"purchase","time":"2024-03-01T09:00:00Z","properties":{"value":30,"sku":"A"},"channel":"app"}
            {"customer_id": 42, "name": "open", "time": "2024-03-01 10:00", "ok": true, "tags": ["a", "b\\u00e9"]}

            {"customer_id":"c3","event":"x","time":"2024-03-01T11:00:00+08:00","properties":{"channel":"inner"},"channel":"outer"}
            """
        let log = try read("e.jsonl", text)
        #expect(log.events.count == 3)
        #expect(log.events[0].properties == ["value": 30, "sku": "A", "channel": "app"])
        #expect(log.events[1].customerID == "42")
        #expect(log.events[1].name == "open")
        #expect(log.events[1].properties == ["ok": true, "tags": ["a", "bé"]])
        #expect(log.events[2].properties == ["channel": "inner"])
        #expect(Timestamp.format(log.events[2].time) == "2024-03-01T03:00:00Z")
    }

    @Test func numericCustomerIdsAreKeptAsWritten() throws {
        let text = """
            {"customer_id": 1234567890123456789, "event": "a", "time": "2024-03-01T00:00:00Z"}
            {"customer_id": 1234567890123456790, "event": "a", "time": "2024-03-01T00:00:01Z"}
            {"customer_id": 1234567890123456, "event": "a", "time": "2024-03-01T00:00:02Z"}
            {"customer_id": -42 , "event": "a", "time": "2024-03-01T00:00:03Z"}
            {"customer_id": 1e3, "event": "a", "time": "2024-03-01T00:00:04Z"}
            """
        let log = try read("e.jsonl", text)
        #expect(log.events.map(\.customerID) == ["1234567890123456789", "1234567890123456790", "1234567890123456", "-42", "1000"])
        let directory = try TempDirectory()
        defer { directory.remove() }
        let profiles = try directory.write("p.jsonl", "{\"customer_id\":9007199254740993,\"attributes\":{\"tier\":\"gold\"}}\n")
        #expect(try EventLogReader.read(events: [], profiles: [profiles], options: EventLogOptions()).profiles.map(\.customerID) == ["9007199254740993"])
    }

    @Test func aByteOrderMarkStartingAJSONLinesFileIsSkipped() throws {
        let log = try read("e.jsonl", "\u{FEFF}{\"customer_id\":\"c1\",\"event\":\"a\",\"time\":\"2024-03-01\"}\n")
        #expect(log.events.map(\.customerID) == ["c1"])
        let directory = try TempDirectory()
        defer { directory.remove() }
        let profiles = try directory.write("p.jsonl", "\u{FEFF}{\"customer_id\":\"c1\"}\n")
        #expect(try EventLogReader.read(events: [], profiles: [profiles], options: EventLogOptions()).profiles.count == 1)
    }

    @Test func badJSONLinesNameLineAndColumn() throws {
        #expect(try failure("e.jsonl", "{\"customer_id\":\"c1\",\"event\":\"a\",\"time\":\"2024-03-01\"}\n{\"customer_id\":\"c1\",\"event\":\"a\",\"time\":}\n")
            == "F:2:40: error: expected a value (a string in double quotes, a number, true, false or null)")
        #expect(try failure("e.jsonl", "{\"customer_id\":\"c1\",\"event\":\"a\",\"time\":tomorrow}\n")
            == "F:1:40: error: unknown word: expected a value (a string in double quotes, a number, true, false or null)")
        #expect(try failure("e.jsonl", "{\"event\":\"a\",\"time\":\"2024-03-01\"}\n")
            == "F:1:1: error: no `customer_id` on this line")
        #expect(try failure("e.jsonl", "{\"customer_id\":\"c1\",\"time\":\"2024-03-01\"}\n")
            == "F:1:1: error: no `event` or `name` (the event name) on this line")
        #expect(try failure("e.jsonl", "{\"customer_id\":\"c1\",\"event\":\"a\",\"time\":\"noon\"}\n")
            == "F:1:40: error: cannot read the time \"noon\" in `time`: \(CellValues.timeHelp)")
        #expect(try failure("e.jsonl", "{\"customer_id\":\"c1\",\"event\":\"a\",\"time\":\"2024-03-01\",\"properties\":[1]}\n")
            == "F:1:66: error: `properties` must be an object")
        #expect(try failure("e.jsonl", "[1,2]\n")
            == "F:1:1: error: expected a JSON object (`{…}`) on this line")
        #expect(try failure("e.jsonl", "{\"customer_id\":\"é\",\"event\":\"a\",\"time\":\"2024-03-01\"} x\n")
            == "F:1:53: error: unexpected text after the JSON object")
    }

    @Test func gzipLogsAreReadAsAStream() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        var csv = "customer_id,event,time,n\n"
        for index in 0..<50_000 { csv += "c\(index % 97),e,2024-03-01T00:00:00Z,\(index)\n" }
        let csvFile = try await directory.writeGzip("e.csv.gz", csv)
        let jsonFile = try await directory.writeGzip("e.jsonl.gz", "{\"customer_id\":\"c1\",\"event\":\"a\",\"time\":\"2024-03-01\"}\n")
        let log = try EventLogReader.read(events: [csvFile, jsonFile], options: EventLogOptions())
        #expect(log.events.count == 50_001)
        #expect(log.events[49_999].properties == ["n": 49_999])
        #expect(log.events[50_000].name == "a")
    }

    @Test func concatenatedGzipMembersAndBrokenGzip() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let first = try await directory.writeGzip("a.gz", "customer_id,event,time\nc1,a,2024-03-01\n")
        let second = try await directory.writeGzip("b.gz", "c2,b,2024-03-02\n")
        var joined = try Data(contentsOf: URL(fileURLWithPath: first))
        joined.append(try Data(contentsOf: URL(fileURLWithPath: second)))
        try joined.write(to: URL(fileURLWithPath: directory.file("joined.csv.gz")))
        let log = try EventLogReader.read(events: [directory.file("joined.csv.gz")], options: EventLogOptions())
        #expect(log.events.map(\.customerID) == ["c1", "c2"])

        try joined.prefix(joined.count - 30).write(to: URL(fileURLWithPath: directory.file("truncated.csv.gz")))
        #expect(throws: Diagnostic.self) { try EventLogReader.read(events: [directory.file("truncated.csv.gz")], options: EventLogOptions()) }
        try directory.write("plain.csv.gz", "customer_id,event,time\n")
        #expect(throws: Diagnostic.self) { try EventLogReader.read(events: [directory.file("plain.csv.gz")], options: EventLogOptions()) }
    }

    @Test func profiles() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let file = try directory.write("p.jsonl", """
            {"customer_id":"c1","attributes":{"member":true,"tier":"Gold"},"identities":{"email":"a@b.c"},"consent":{"sms":false}}
            {"customer_id":"c2"}
            """)
        let log = try EventLogReader.read(events: [], profiles: [file], options: EventLogOptions())
        #expect(log.profiles.count == 2)
        #expect(log.profiles[0].attributes == ["member": true, "tier": "Gold"])
        #expect(log.profiles[0].identities == ["email": "a@b.c"])
        #expect(log.profiles[0].consent == ["sms": false])
        let bad = try directory.write("bad.jsonl", "{\"customer_id\":\"c1\",\"consent\":{\"sms\":\"no\"}}\n{\"customer\":\"c2\"}\n")
        do {
            _ = try EventLogReader.read(events: [], profiles: [bad], options: EventLogOptions())
            Issue.record("no error")
        } catch let diagnostic as Diagnostic {
            #expect(diagnostic.description == "\(bad):1:31: error: consent `sms` must be true or false")
        }
        let skipped = try EventLogReader.read(events: [], profiles: [bad], options: EventLogOptions(skipBadRows: true))
        #expect(skipped.badRowCount == 2)
    }

    /// `waymark simulate` reads profiles beside the events and appends them: the same log as
    /// one read of both, bad rows in the same order, the first hundred kept.
    @Test func profilesReadApartAndAppendedGiveTheSameLog() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let badEvents = (0..<98).map { "c\($0),,2024-03-01\n" }.joined()
        let events = try directory.write("e.csv", "customer_id,event,time\nc1,a,2024-03-01\n" + badEvents + "c2,b,2024-03-02\n")
        let profiles = try directory.write("p.jsonl", "{\"customer_id\":\"c1\"}\n{\"customer\":\"x\"}\n{\"customer\":\"y\"}\n{\"customer\":\"z\"}\n")
        let options = EventLogOptions(skipBadRows: true)
        let together = try EventLogReader.read(events: [events], profiles: [profiles], options: options)
        var apart = try EventLogReader.read(events: [events], options: options)
        apart.append(try EventLogReader.read(events: [], profiles: [profiles], options: options))
        #expect(together.badRowCount == 101)
        #expect(together.badRows.count == 100)
        #expect(apart.events == together.events)
        #expect(apart.profiles == together.profiles)
        #expect(apart.badRows == together.badRows)
        #expect(apart.badRowCount == together.badRowCount)
    }
}
