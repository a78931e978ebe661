import Foundation
import Testing

@testable import JourneyModel

@Suite("Expression timestamps")
struct ExpressionTimestampTests {
    @Test(
        arguments: [
            ("1970-01-01", 0), ("1970-01-01T00:00:00Z", 0), ("2024-03-13T11:23:32Z", 1_710_329_012),
            ("2024-03-13t11:23:32z", 1_710_329_012), ("2024-03-13 11:23:32", 1_710_329_012),
            ("2024-03-13T11:23:32", 1_710_329_012), ("2024-03-13T11:23", 1_710_328_980),
            ("2024-03-13T19:23:32+08:00", 1_710_329_012), ("2024-03-13T19:23:32+0800", 1_710_329_012),
            ("2024-03-13T19:23:32+08", 1_710_329_012), ("2024-03-13T05:53:32-05:30", 1_710_329_012),
            ("2024-03-13T11:23:32.5Z", 1_710_329_012.5), ("2024-03-13T11:23:32,25", 1_710_329_012.25),
            ("2024-03-13T11:23:32.123456789Z", 1_710_329_012.123456789), ("  2024-03-13  ", 1_710_288_000),
            ("2024-02-29", 1_709_164_800), ("2000-02-29", 951_782_400), ("1969-12-31T23:59:59Z", -1),
            ("1900-03-01", -2_203_891_200), ("0000-01-01", -62_167_219_200), ("9999-12-31T23:59:59Z", 253_402_300_799),
        ] as [(String, Double)])
    func parses(text: String, seconds: Double) {
        let parsed = ExpressionTimestamp.parse(text)
        #expect(parsed.map { abs($0 - seconds) < 1e-6 } == true, "\(text) → \(String(describing: parsed))")
    }

    @Test(arguments: [
        "", "2024", "2024-03", "2024-3-13", "24-03-13", "2024/03/13", "2024-00-10", "2024-13-10", "2024-04-31",
        "2023-02-29", "1900-02-29", "2024-03-13T", "2024-03-13T11", "2024-03-13T11:2", "2024-03-13T24:00",
        "2024-03-13T11:60", "2024-03-13T11:23:60", "2024-03-13T11:23:32.", "2024-03-13T11:23:32Q",
        "2024-03-13T11:23:32+8", "2024-03-13T11:23:32+24:00", "2024-03-13T11:23:32+08:60", "2024-03-13Z",
        "2024-03-13T11:23:32Z extra", "２０２４-03-13", "1710329012", "next tuesday",
    ])
    func rejects(text: String) {
        #expect(ExpressionTimestamp.parse(text) == nil)
    }

    @Test(
        arguments: [
            (0, "1970-01-01T00:00:00Z"), (1_710_329_012.999, "2024-03-13T11:23:32Z"), (-0.001, "1969-12-31T23:59:59Z"),
            (-86_400, "1969-12-31T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"),
            (-62_167_219_200, "0000-01-01T00:00:00Z"),
            (253_402_300_799.9, "9999-12-31T23:59:59Z"),
        ] as [(Double, String)])
    func formatsWholeSecondsInUTC(seconds: Double, text: String) {
        #expect(ExpressionTimestamp.format(secondsSince1970: seconds) == text)
    }

    @Test(arguments: [-62_167_219_201, 253_402_300_800, .infinity, -.infinity, .nan] as [Double])
    func formatsNothingOutsideFourDigitYears(seconds: Double) {
        #expect(ExpressionTimestamp.format(secondsSince1970: seconds) == nil)
    }

    /// Every day for 800 years: formatting then parsing gives the same instant, and the
    /// civil-date helpers agree with each other.
    @Test func civilArithmeticRoundTrips() {
        for day in stride(from: -100_000, through: 200_000, by: 1) {
            let (year, month, day2) = ZonedCalendar.civilFromDays(day)
            #expect(ZonedCalendar.daysFromCivil(year: year, month: month, day: day2) == day)
            guard day % 997 == 0 else { continue }
            let seconds = Double(day) * 86_400 + 45_296
            let text = ExpressionTimestamp.format(secondsSince1970: seconds)
            #expect(text.flatMap(ExpressionTimestamp.parse) == seconds)
        }
    }

    @Test func agreesWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        for seconds in stride(from: -2_000_000_000.0, through: 4_000_000_000.0, by: 7_777_777.7) {
            let date = Date(timeIntervalSince1970: seconds.rounded(.down))
            #expect(ExpressionTimestamp.format(secondsSince1970: seconds) == formatter.string(from: date))
        }
    }
}
