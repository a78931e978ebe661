import Foundation
import Testing

@testable import JourneyModel

@Suite("Expression functions")
struct ExpressionFunctionTests {
    @Test(arguments: [
        ("exists(profile.age)", true), ("exists(profile.missing)", false), ("exists(profile.nothing)", false),
        ("exists(profile.zero)", true), ("exists(profile.empty)", true), ("exists(profile.consent.email)", true),
        ("exists(event.sku)", true), ("exists(event.name)", true), ("exists(journey.entered_at)", true),
        ("exists(now)", true), ("not exists(profile.email)", true),
    ])
    func exists(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == .bool(expected))
    }

    @Test func existsWithoutAnEvent() throws {
        let context = EvaluationContext(profile: ["email": "a@example.com"], now: fixtureNow)
        #expect(try evaluate("exists(event.name)", in: context) == false)
        #expect(try evaluate("exists(journey.id)", in: context) == false)
        #expect(try evaluate("exists(profile.email)", in: context) == true)
    }

    @Test(arguments: [
        ("contains(profile.tags, 'vip')", true), ("contains(profile.tags, 'gold')", false),
        ("contains([1, 2], 2.0)", true), ("contains(profile.city, 'erl')", true), ("contains('abc', '')", true),
        ("contains('abc', 1)", false), ("contains(profile.missing, 'x')", false), ("contains(42, 4)", false),
        ("contains(event.cart.items, event.sku)", true), ("contains(profile.consent, 'email')", false),
    ])
    func contains(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == .bool(expected))
    }

    @Test(arguments: ["profile.tags", "profile.city", "[1, 'x']", "profile.missing", "'abc'"])
    func containsMatchesIn(container: String) throws {
        for value in ["'vip'", "'erl'", "1", "'x'", "null", "''"] {
            #expect(try evaluate("contains(\(container), \(value))") == evaluate("\(value) in \(container)"))
        }
    }

    /// `now` is 2024-03-13T12:00:00.9Z; results are fractional and keep that 0.9 s.
    @Test(
        arguments: [
            ("'2024-03-10T12:00:00Z'", 259_200.0),
            ("'2024-03-10T12:00:00'", 259_200.0),
            ("'2024-03-10 12:00:00'", 259_200.0),
            ("'2024-03-10T12:00'", 259_200.0),
            ("'2024-03-10T20:00:00+08:00'", 259_200.0),
            ("'2024-03-10T20:00:00+0800'", 259_200.0),
            ("'2024-03-10T20:00:00+08'", 259_200.0),
            ("'2024-03-10T07:30:00-04:30'", 259_200.0),
            ("'2024-03-10T12:00:00.400Z'", 259_199.6),
            ("'2024-03-10'", 302_400.0),
            ("'2024-03-14T12:00:00Z'", -86_400),
            ("1710072000", 259_200.0),
            ("0", 1_710_331_200.0),
            ("profile.last_seen_at", 259_200.0),
            ("event.time", 2_188),  // event.time reads as 11:23:32Z, whole seconds
        ] as [(String, Double)])
    func elapsedTime(argument: String, secondsAgo: Double) throws {
        let expectedSeconds = secondsAgo + 0.9
        let days = try #require(try evaluate("days_since(\(argument))").numberValue)
        let hours = try #require(try evaluate("hours_since(\(argument))").numberValue)
        #expect(abs(days - expectedSeconds / 86_400) < 1e-9)
        #expect(abs(hours - expectedSeconds / 3_600) < 1e-6)
    }

    @Test func daysSinceInAConditionAboutLastSeen() throws {
        #expect(try evaluate("days_since(profile.last_seen_at) > 3") == true)
        #expect(try evaluate("days_since(profile.last_seen_at) > 3.1") == false)
        #expect(try evaluate("hours_since(journey.entered_at) >= 2") == true)
        #expect(try evaluate("hours_since(now) < 0.001") == true)
    }

    @Test(arguments: [
        "'yesterday'", "''", "'2024-13-01'", "'2024-02-30'", "'2023-02-29T00:00:00Z'", "'2024-03-10T24:00:00Z'",
        "'2024-03-10T12:60:00Z'", "'2024-03-10T12:00:60Z'", "'2024-03-10T12:00:00+25:00'", "'2024-03-10T12'",
        "'2024-03-10T12:00:00Zjunk'", "'24-03-10'", "'2024-3-10'", "'2024-03-10T12:00:00.'", "'1710072000'",
        "true", "null", "profile.missing", "[1]", "profile.consent",
    ])
    func elapsedTimeOfSomethingElseIsNull(argument: String) throws {
        #expect(try evaluate("days_since(\(argument))") == .null)
        #expect(try evaluate("hours_since(\(argument))") == .null)
    }

    @Test func leapDayIsATime() throws {
        let days = try #require(try evaluate("days_since('2024-02-29')").numberValue)
        #expect(abs(days - (13.5 + 0.9 / 86_400)) < 1e-9)
    }

    @Test(arguments: [
        ("lower('ÀBC Def')", JSONValue.string("àbc def")), ("upper('straße')", "STRASSE"),
        ("lower(profile.city)", "berlin"), ("upper(event.name)", "ADD_TO_CART"), ("lower('')", ""),
        ("lower(3)", .null), ("upper(null)", .null), ("lower(profile.missing)", .null), ("upper(['a'])", .null),
        ("lower(profile.city) == 'berlin'", true), ("upper('i')", "I"),
    ])
    func caseConversion(text: String, expected: JSONValue) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test func usageAndResultTypes() {
        #expect(ExpressionFunction.contains.usage == "contains(list_or_string, value)")
        #expect(ExpressionFunction.daysSince.resultType == .number)
        #expect(ExpressionFunction.exists.resultType == .bool)
        #expect(ExpressionFunction.upper.resultType == .string)
    }
}
