import Foundation
import Testing

@testable import JourneyModel

// MARK: Shared fixtures for the expression tests

/// 2024-03-13T12:00:00.9Z: a fraction of a second past noon, to show that `now` is floored.
let fixtureNow = Date(timeIntervalSince1970: 1_710_331_200.9)

/// A customer with a bit of everything, an `add_to_cart` event and a run entered at 10:00.
let fixtureContext = EvaluationContext(
    profile: [
        "age": 30, "name": "Ada", "city": "Berlin", "score": 2.5, "vip": true, "zero": 0, "empty": "",
        "tags": ["vip", "beta"], "consent": ["email": false], "nothing": nil,
        "last_seen_at": "2024-03-10T12:00:00Z",
    ],
    event: EventContext(
        name: "add_to_cart", time: Date(timeIntervalSince1970: 1_710_329_012.75),
        properties: ["value": 42, "sku": "A1", "name": "shadowed", "cart": ["items": ["A1", "B2"], "total": 99.5]]),
    journeyID: "cart-abandonment",
    enteredAt: Date(timeIntervalSince1970: 1_710_324_000),
    now: fixtureNow)

/// Parses and evaluates `text` in the fixture context (or `context`).
func evaluate(_ text: String, in context: EvaluationContext = fixtureContext) throws -> JSONValue {
    try Expression.parse(text).evaluate(in: context)
}

// MARK: Operators and paths

@Suite("Expression evaluation")
struct ExpressionEvaluationTests {
    @Test(
        arguments: [
            ("profile.age", JSONValue.number(30)),
            ("profile.consent.email", .bool(false)),
            ("profile.tags", .array(["vip", "beta"])),
            ("profile.missing", .null),
            ("profile.missing.deeper", .null),
            ("profile.age.deeper", .null),
            ("profile.nothing", .null),
            ("event.name", "add_to_cart"),
            ("event.time", "2024-03-13T11:23:32Z"),
            ("event.value", 42),
            ("event.cart.total", 99.5),
            ("event.cart.items", .array(["A1", "B2"])),
            ("event.missing", .null),
            ("journey.entered_at", "2024-03-13T10:00:00Z"),
            ("journey.id", "cart-abandonment"),
            ("now", "2024-03-13T12:00:00Z"),
        ] as [(String, JSONValue)])
    func paths(text: String, expected: JSONValue) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test func eventPathsAreNullWithoutAnEvent() throws {
        let context = EvaluationContext(profile: ["age": 30], now: fixtureNow)
        #expect(try evaluate("event.name", in: context) == .null)
        #expect(try evaluate("event.time", in: context) == .null)
        #expect(try evaluate("event.value", in: context) == .null)
        #expect(try evaluate("journey.entered_at", in: context) == .null)
        #expect(try evaluate("journey.id", in: context) == .null)
        #expect(try evaluate("now", in: context) == "2024-03-13T12:00:00Z")
    }

    @Test func timesBeforeNineteenSeventyAndOutOfRange() throws {
        let before = EvaluationContext(now: Date(timeIntervalSince1970: -0.5))
        #expect(try evaluate("now", in: before) == "1969-12-31T23:59:59Z")
        let farFuture = EvaluationContext(now: Date(timeIntervalSince1970: 1e13))
        #expect(try evaluate("now", in: farFuture) == .null)
        #expect(try evaluate("days_since(0)", in: farFuture) == .number(1e13 / 86_400))
    }

    @Test func profileThatIsNotAnObjectReadsAsNull() throws {
        #expect(try evaluate("profile.age", in: EvaluationContext(profile: "text", now: fixtureNow)) == .null)
    }

    @Test(
        arguments: [
            ("1 == 1", true), ("1 == 1.0", true), ("1 != 2", true), ("'a' == 'a'", true), ("'a' == \"a\"", true),
            ("1 == '1'", false), ("1 != '1'", true), ("null == null", true), ("profile.missing == null", true),
            ("profile.age == null", false), ("profile.nothing != null", false), ("true == 1", false),
            ("[1, 'a', [true]] == [1.0, 'a', [true]]", true), ("[1, 2] == [2, 1]", false),
            ("profile.consent == profile.consent", true), ("profile.tags == ['vip', 'beta']", true),
            ("event.time == '2024-03-13T11:23:32Z'", true), ("-0 == 0", true),
        ] as [(String, Bool)])
    func equality(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == .bool(expected))
    }

    @Test(
        arguments: [
            ("1 < 2", true), ("2 < 1", false), ("2 <= 2", true), ("3 <= 2", false), ("3 > 2", true), ("2 > 2", false),
            ("2 >= 2", true), ("1 >= 2", false), ("profile.age >= 18", true), ("profile.score < 2.5", false),
            ("'apple' < 'banana'", true), ("'b' > 'a'", true), ("'Z' < 'a'", true), ("'a' < 'ab'", true),
            ("'é' > 'z'", true), ("'abc' <= 'abc'", true), ("'abc' >= 'abd'", false),
            ("event.time > journey.entered_at", true), ("event.time < now", true),
            ("profile.last_seen_at < '2024-03-11'", true),
            // null and mixed types: always false, in both directions
            ("profile.missing < 1", false), ("profile.missing >= 1", false), ("null <= null", false),
            ("1 < '2'", false), ("'2' >= 1", false), ("true > false", false), ("[1] < [2]", false),
            ("profile.consent <= profile.consent", false),
        ] as [(String, Bool)])
    func ordering(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == .bool(expected))
    }

    @Test(
        arguments: [
            ("true and true", true), ("true and false", false), ("false and true", false),
            ("true or false", true), ("false or true", true), ("false or false", false),
            ("not true", false), ("not false", true), ("not null", true), ("not 1", true), ("not 'true'", true),
            ("not not true", true), ("1 and true", false), ("true and 1", false), ("'yes' or null", false),
            ("profile.vip and profile.age > 18", true), ("profile.missing or profile.vip", true),
            ("profile.missing and profile.vip", false), ("not profile.missing", true),
        ] as [(String, Bool)])
    func logic(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == .bool(expected))
    }

    @Test(
        arguments: [
            ("'vip' in profile.tags", true), ("'gold' in profile.tags", false), ("2 in [1, 2, 3]", true),
            ("2.0 in [1, 2, 3]", true), ("'2' in [1, 2, 3]", false), ("[1] in [[1], [2]]", true),
            ("null in [null]", true), ("null in [1]", false), ("'erl' in profile.city", true),
            ("'berlin' in profile.city", false), ("'' in 'abc'", true), ("1 in '123'", false),
            ("'a' in null", false), ("'a' in profile.missing", false), ("'age' in profile.consent", false),
            ("event.sku in event.cart.items", true), ("'2024-03-13' in event.time", true),
            // Code points, not characters: the decomposed `é` holds the scalar `e`, not the precomposed one.
            ("'e' in 'cafe\\u0301'", true), ("'é' in 'cafe\\u0301'", false),
        ] as [(String, Bool)])
    func membership(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == .bool(expected))
    }

    @Test(
        arguments: [
            ("1 + 2", JSONValue.number(3)), ("0.1 + 0.2", .number(0.1 + 0.2)), ("5 - 7", -2), ("6 * 7", 42),
            ("7 / 2", 3.5), ("'a' + 'b'", "ab"), ("profile.name + ' from ' + profile.city", "Ada from Berlin"),
            ("profile.age + 1", 31), ("-profile.age", -30), ("- -3", 3), ("-(1 + 2)", -3), ("-'a'", .null),
            ("-null", .null), ("-profile.missing", .null),
            ("1 + '1'", .null), ("'1' + 1", .null), ("1 + null", .null), ("null + null", .null),
            ("true + 1", .null), ("[1] + [2]", .null), ("'a' - 'b'", .null), ("'a' * 2", .null),
            ("profile.missing + 1", .null), ("1 / 0", .null), ("0 / 0", .null), ("-1 / 0", .null),
            ("profile.age / profile.zero", .null),
            (
                "999999999999999999999999999999 * 999999999999999999999999999999 * 999999999999999999999999999999"
                    + " * 999999999999999999999999999999 * 999999999999999999999999999999"
                    + " * 999999999999999999999999999999 * 999999999999999999999999999999"
                    + " * 999999999999999999999999999999 * 999999999999999999999999999999"
                    + " * 999999999999999999999999999999 * 999999999999999999999999999999", .null
            ),
        ] as [(String, JSONValue)])
    func arithmetic(text: String, expected: JSONValue) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test(
        arguments: [
            ("1 + 2 * 3", JSONValue.number(7)), ("(1 + 2) * 3", 9), ("10 - 4 - 3", 3), ("24 / 4 / 2", 3),
            ("2 * 3 - 4 / 2", 4), ("-2 * 3", -6), ("1 + 2 == 3", true), ("(1 < 2) == true", true),
            ("not 1 == 2", true), ("not true and false", false), ("not (true and false)", true),
            ("true or true and false", true), ("(true or true) and false", false),
            ("false and false or true", true), ("1 + 1 in [2]", true), ("not 3 in [1, 2]", true),
        ] as [(String, JSONValue)])
    func precedence(text: String, expected: JSONValue) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test func holdsOnlyForExactlyTrue() throws {
        #expect(try Expression.parse("profile.age > 18").holds(in: fixtureContext))
        #expect(try !Expression.parse("profile.age < 18").holds(in: fixtureContext))
        #expect(try !Expression.parse("profile.missing").holds(in: fixtureContext))
        #expect(try !Expression.parse("1").holds(in: fixtureContext))
        #expect(try !Expression.parse("'true'").holds(in: fixtureContext))
        #expect(try Expression.parse("profile.vip").holds(in: fixtureContext))
    }

    @Test func listsEvaluateTheirElements() throws {
        #expect(try evaluate("[profile.age, profile.missing, 1 + 1, 'x']") == [30, nil, 2, "x"])
        #expect(try evaluate("[]") == [])
    }

    @Test func treesBuiltInCodeNeverTrap() {
        // Deeper than the parser allows and than the evaluator follows: the deep part is null.
        var node = ExpressionNode.literal(1)
        for _ in 0..<1_000 { node = .negate(node) }
        #expect(Expression(source: "", root: node).evaluate(in: fixtureContext) == .null)
        // Wrong arity, which the parser would reject.
        let call = Expression(source: "", root: .call(.lower, []))
        #expect(call.evaluate(in: fixtureContext) == .null)
        // A path the parser would reject.
        let path = Expression(source: "", root: .path(ExpressionPath(root: .now, components: ["x"])))
        #expect(path.evaluate(in: fixtureContext) == .null)
    }
}

// MARK: Exact string equality

@Suite("Expression evaluation: strings compare by their Unicode scalars")
struct ExpressionExactEqualityTests {
    /// `café` precomposed (U+00E9) and decomposed (e + U+0301): canonically equivalent, so
    /// Swift's `==` calls them equal, but they are different texts that `<` orders.
    static let context = EvaluationContext(
        profile: ["a": "caf\u{E9}", "b": "cafe\u{301}", "list": ["caf\u{E9}"], "nested": ["x": ["caf\u{E9}"]]], now: fixtureNow)

    @Test(arguments: [
        ("profile.a == profile.b", false),
        ("profile.a != profile.b", true),
        ("profile.a < profile.b", false),
        ("profile.a > profile.b", true),
        ("profile.b in profile.list", false),
        ("profile.a in profile.list", true),
        ("contains(profile.list, profile.b)", false),
        ("contains(profile.b, profile.a)", false),
        ("contains(profile.b, 'cafe')", true),
        ("profile.nested == profile.nested", true),
        ("profile.a == profile.a", true),
    ])
    func comparesExactly(_ text: String, _ expected: Bool) throws {
        #expect(try evaluate(text, in: Self.context) == .bool(expected), "\(text)")
    }
}
