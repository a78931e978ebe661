import Testing

@testable import JourneyModel

@Suite("Did-you-mean suggestions")
struct ExpressionSpellingTests {
    private let functions = ExpressionFunction.allCases.map(\.rawValue)
    private let roots = ["profile", "event", "journey", "now"]

    @Test(arguments: [
        ("lowr", "lower"), ("lowerr", "lower"), ("uper", "upper"), ("exist", "exists"), ("contain", "contains"),
        ("days_sinse", "days_since"), ("daysSince", "days_since"), ("hours_snice", "hours_since"), ("LOWER", "lower"),
    ])
    func suggestsFunctions(typo: String, expected: String) {
        #expect(closestMatch(to: typo, in: functions) == expected)
    }

    @Test(arguments: [
        ("profle", "profile"), ("porfile", "profile"), ("Profile", "profile"), ("profiles", "profile"),
        ("evnt", "event"), ("events", "event"), ("jouney", "journey"), ("nwo", "now"), ("no", "now"),
    ])
    func suggestsRoots(typo: String, expected: String) {
        #expect(closestMatch(to: typo, in: roots) == expected)
    }

    @Test(arguments: ["x", "premium", "customer", "user", "", "evenement", "lowercase_everything", "today"])
    func staysQuietWhenNothingIsClose(name: String) {
        #expect(closestMatch(to: name, in: functions + roots) == nil)
    }

    @Test func exactMatchesAndTies() {
        #expect(closestMatch(to: "event", in: roots) == "event")
        // Both are one edit away; the alphabetically first wins, whatever the order given.
        #expect(closestMatch(to: "bat", in: ["cat", "bag"]) == "bag")
        #expect(closestMatch(to: "bat", in: ["bag", "cat"]) == "bag")
        #expect(closestMatch(to: "bat", in: Set(["cat", "bag", "hat"])) == "bag")
        // The closer candidate wins over the alphabetically first.
        #expect(closestMatch(to: "timeout", in: ["timeouts", "time_out_x"]) == "timeouts")
    }

    @Test func thresholdsGrowWithLength() {
        #expect(closestMatch(to: "ab", in: ["xy"]) == nil)  // 2 edits on 2 letters
        #expect(closestMatch(to: "ab", in: ["ax"]) == "ax")
        #expect(closestMatch(to: "abcde", in: ["abxde"]) == "abxde")
        #expect(closestMatch(to: "abcde", in: ["abxye"]) == nil)
        #expect(closestMatch(to: "abcdef", in: ["abxyef"]) == "abxyef")
        #expect(closestMatch(to: "abcdefghi", in: ["abcdefxyz"]) == "abcdefxyz")
        #expect(closestMatch(to: "abcdefghi", in: ["abcdewxyz"]) == nil)
        #expect(closestMatch(to: "quiet_hours", in: ["quiet_hour", "frequency_cap"]) == "quiet_hour")
        #expect(closestMatch(to: "frequncy_cap", in: ["quiet_hours", "frequency_cap"]) == "frequency_cap")
    }

    @Test func worksForNonLatinNames() {
        #expect(closestMatch(to: "城市名", in: ["城市", "国家"]) == "城市")
    }
}
