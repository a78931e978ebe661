import Foundation
import Testing
@testable import JourneyModel

@Suite("Timestamp parsing and formatting")
struct TimestampTests {
    /// 2024-03-13T11:23:32Z.
    private static let reference = Date(timeIntervalSince1970: 1_710_329_012)

    @Test(arguments: [
        "2024-03-13T11:23:32Z",
        "2024-03-13t11:23:32z",
        "2024-03-13 11:23:32Z",
        "2024-03-13T19:23:32+08:00",
        "2024-03-13T19:23:32+0800",
        "2024-03-13T19:23:32+08",
        "2024-03-13T06:23:32-05:00",
        "2024-03-13T06:23:32-0500",
        "2024-03-13T11:23:32+00:00",
        "2024-03-12T22:53:32-12:30",
        "  2024-03-13T11:23:32Z\t",
        // Exports name the zone (REES46's e-commerce logs write `2019-10-01 00:00:00 UTC`).
        "2024-03-13 11:23:32 UTC",
        "2024-03-13 11:23:32UTC",
        "2024-03-13T11:23:32 gmt",
        "2024-03-13 11:23:32.0 UTC",
        // ISO 8601's basic format.
        "20240313T112332Z",
        "20240313t112332z",
        "20240313T192332+0800",
        "20240313T192332+08",
        "20240313T062332-0500",
    ])
    func readsOffsets(text: String) {
        // The default zone must not matter when an offset is given.
        #expect(Timestamp.parse(text, defaultZone: TimeFixture.shanghai) == Self.reference)
    }

    @Test(arguments: [
        ("2024-03-13T11:23:32.250Z", 0.25),
        ("2024-03-13T11:23:32,5Z", 0.5),
        ("20240313T112332.5Z", 0.5),
        ("2024-03-13T11:23:32.000Z", 0),
        ("2024-03-13T19:23:32.125+08:00", 0.125),
        ("2024-03-13T11:23:32.999999999Z", 0.999999999),
        ("2024-03-13T11:23:32.1234567891234Z", 0.123456789),
    ] as [(String, Double)])
    func readsFractions(text: String, fraction: Double) throws {
        let date = try #require(Timestamp.parse(text, defaultZone: TimeFixture.utc))
        #expect(abs(date.timeIntervalSince(Self.reference) - fraction) < 1e-6)
    }

    @Test(arguments: [
        ("2024-03-13 11:23:32", "UTC", "2024-03-13T11:23:32Z"),
        ("2024-03-13T11:23:32", "Asia/Shanghai", "2024-03-13T03:23:32Z"),
        ("2024-03-13 11:23:32", "America/New_York", "2024-03-13T15:23:32Z"),
        ("2024-03-13T11:23", "UTC", "2024-03-13T11:23:00Z"),
        ("2024-03-13 11:23", "Europe/Berlin", "2024-03-13T10:23:00Z"),
        ("2024-03-13", "UTC", "2024-03-13T00:00:00Z"),
        ("2024-03-13", "Asia/Shanghai", "2024-03-12T16:00:00Z"),
        ("20240313T112332", "Asia/Shanghai", "2024-03-13T03:23:32Z"),
        ("20240313T1123", "UTC", "2024-03-13T11:23:00Z"),
        ("2024-02-29", "UTC", "2024-02-29T00:00:00Z"),
        ("2000-02-29 12:00:00", "UTC", "2000-02-29T12:00:00Z"),
        ("1969-07-20 20:17:40", "UTC", "1969-07-20T20:17:40Z"),
        // Local times inside transitions follow the ZonedCalendar rules.
        ("2024-03-10 02:30:00", "America/New_York", "2024-03-10T07:00:00Z"),
        ("2024-03-10 02:30:45.5", "America/New_York", "2024-03-10T07:00:00Z"),
        ("2024-11-03 01:30:00", "America/New_York", "2024-11-03T05:30:00Z"),
        ("2024-03-31 02:30", "Europe/Berlin", "2024-03-31T01:00:00Z"),
        ("2024-10-27 02:30", "Europe/Berlin", "2024-10-27T00:30:00Z"),
    ])
    func readsLocalTimes(text: String, zoneID: String, expected: String) {
        #expect(Timestamp.parse(text, defaultZone: TimeFixture.zone(zoneID)) == TimeFixture.instant(expected))
    }

    @Test(arguments: [
        "", "garbage", "2024", "2024-03", "2024-3-13", "24-03-13", "20240313", "2024/03/13",
        "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "2023-02-29", "2024-02-30", "1900-02-29",
        "2024-04-31", "2024-03-13T", "2024-03-13T11", "2024-03-13T11:2", "2024-03-13T24:00",
        "2024-03-13T11:60", "2024-03-13T11:23:60", "2024-03-13T11:23:5", "2024-03-13T11:23:32.",
        "2024-03-13T11:23:32.Z", "2024-03-13Z", "2024-03-13X11:23:32", "2024-03-13  11:23:32",
        "2024-03-13T11:23:32 Z", "2024-03-13T11:23:32+", "2024-03-13T11:23:32+8", "2024-03-13T11:23:32+08:",
        "2024-03-13T11:23:32+08:0", "2024-03-13T11:23:32+2400", "2024-03-13T11:23:32+08:60",
        "2024-03-13T11:23:32ZZ", "2024-03-13T11:23:32Z+08:00", "2024-03-13T11:23:32−05:00",
        "２０２４-03-13", "-2024-03-13",
        "2024-03-13 UTC", "2024-03-13 11:23:32  UTC", "2024-03-13 11:23:32 CET", "2024-03-13 11:23:32Z UTC",
        "2024-03-13 11:23:32 UT", "2024-03-13 11:23:32 UTCX",
        // Basic format: a date-time only, no mix with the extended separators, no zone names.
        "20240313T", "20240313T11", "20240313T11:23:32Z", "2024-03-13T112332Z", "202403-13T11:23", "2024-0313",
        "20240313 112332", "20240313T112332+08:00", "20240313T112332 UTC", "20240230T000000Z", "20240313T112360Z",
        "20240313T1123325", "20240313T112332+8",
    ])
    func rejects(text: String) {
        #expect(Timestamp.parse(text, defaultZone: TimeFixture.utc) == nil)
    }

    @Test(arguments: [
        (1_710_329_012.0, "2024-03-13T11:23:32Z"),
        (1_710_329_012.999, "2024-03-13T11:23:32Z"),
        (1_710_329_012.5, "2024-03-13T11:23:32Z"),
        (0, "1970-01-01T00:00:00Z"),
        (-0.5, "1969-12-31T23:59:59Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
        // The edges of the four-digit years written in one piece, and the general path beyond them.
        (253_402_300_800, "10000-01-01T00:00:00Z"),
        (-62_167_219_200, "0000-01-01T00:00:00Z"),
        (-62_167_219_201, "-0001-12-31T23:59:59Z"),
    ])
    func formatsWholeSecondsInUTC(seconds: Double, expected: String) {
        #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func formatRoundTripsThroughParse() {
        // Every 3d 7h 11m 29s across a century, in whole seconds.
        var seconds = -946_684_800
        while seconds < 2_524_608_000 {
            let date = Date(timeIntervalSince1970: Double(seconds))
            let text = Timestamp.format(date)
            if Timestamp.parse(text, defaultZone: TimeFixture.berlin) != date {
                Issue.record("\(seconds) → \(text) does not read back")
                return
            }
            seconds += 285_089
        }
    }

    @Test func formatAgreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeFixture.utc
        for seconds in stride(from: -2_000_000_000.0, to: 4_000_000_000, by: 123_456_789.0) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.format(date) == formatter.string(from: date))
        }
    }
}
