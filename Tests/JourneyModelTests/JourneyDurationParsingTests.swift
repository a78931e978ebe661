import Foundation
import Testing
@testable import JourneyModel

@Suite("JourneyDuration parsing and printing")
struct JourneyDurationParsingTests {
    @Test(arguments: [
        ("30s", 30, "30s"),
        ("60s", 60, "1m"),
        ("15m", 900, "15m"),
        ("90m", 5_400, "90m"),
        ("120m", 7_200, "2h"),
        ("2h", 7_200, "2h"),
        ("24h", 86_400, "1d"),
        ("36h", 129_600, "36h"),
        ("1440m", 86_400, "1d"),
        ("3d", 259_200, "3d"),
        ("7d", 604_800, "1w"),
        ("14d", 1_209_600, "2w"),
        ("1w", 604_800, "1w"),
        ("0015m", 900, "15m"),
        ("9223372036854775807s", Int64.max, "9223372036854775807s"),
        ("15250284452471w", 15_250_284_452_471 * 604_800, "15250284452471w"),
    ] as [(String, Int64, String)])
    func parsesAndPrintsCanonically(text: String, seconds: Int64, canonical: String) throws {
        let duration = try #require(JourneyDuration.parse(text))
        #expect(duration.seconds == seconds)
        #expect(duration.description == canonical)
        #expect(JourneyDuration.parse(duration.description) == duration)
    }

    @Test(arguments: [
        "", "s", "5", "0s", "00m", "0w", "-5m", "+5m", "1.5h", ".5h", "5 m", " 5m", "5m ",
        "5M", "5H", "5D", "5y", "5ms", "1h30m", "m5", "abc", "５m",
        "9223372036854775808s", "15250284452472w", "99999999999999999999999m",
    ])
    func rejects(text: String) {
        #expect(JourneyDuration.parse(text) == nil)
    }

    @Test func printsValuesBuiltInCode() {
        #expect(JourneyDuration(seconds: 0).description == "0s")
        #expect(JourneyDuration(seconds: -300).description == "-5m")
        #expect(JourneyDuration(seconds: 61).description == "61s")
        #expect(JourneyDuration(seconds: 90).timeInterval == 90)
    }

    @Test func syntaxHelpShowsEveryUnit() {
        for example in ["30s", "15m", "2h", "3d", "1w"] {
            #expect(JourneyDuration.syntaxHelp.contains(example))
            #expect(JourneyDuration.parse(example) != nil)
        }
    }
}
