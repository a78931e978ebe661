import Testing

@testable import JourneyModel

/// One expression and the single issue the checker must report for it.
struct TypeIssueCase: Sendable, CustomTestStringConvertible {
    var text: String
    var expecting: ExpressionType?
    var issue: ExpressionTypeIssue

    init(_ text: String, expecting: ExpressionType? = nil, _ message: String, at offset: Int, hint: String? = nil) {
        self.text = text
        self.expecting = expecting
        self.issue = ExpressionTypeIssue(message, hint: hint, at: offset)
    }

    var testDescription: String { text }
}

private let timeHint = "for elapsed time, use `days_since(…)` or `hours_since(…)`"
private let quoteHint = "a number in quotes is a string: write both with quotes or both without"
private let numberConditionHint = "compare it, for example `profile.age + 1 > 18`"
private let stringConditionHint = "compare it, for example `event.name == 'purchase'`"

@Suite("Expression type checking")
struct ExpressionTypeCheckerTests {
    private func issues(_ text: String, expecting: ExpressionType? = nil) throws -> [ExpressionTypeIssue] {
        ExpressionTypeChecker.check(try Expression.parse(text), expecting: expecting)
    }

    @Test(arguments: [
        // Arithmetic
        TypeIssueCase("true + 1", "`+` adds numbers or joins strings, but its left side is true or false", at: 0),
        TypeIssueCase("null + 1", "`+` adds numbers or joins strings, but its left side is null", at: 0),
        TypeIssueCase("profile.x + [1]", "`+` adds numbers or joins strings, but its right side is a list", at: 12),
        TypeIssueCase("[1] * 2", "`*` needs numbers, but its left side is a list", at: 0),
        TypeIssueCase("1 - 'a'", "`-` needs numbers, but its right side is a string", at: 4),
        TypeIssueCase("profile.a / false", "`/` needs numbers, but its right side is true or false", at: 12),
        TypeIssueCase(
            "1 + 'a'", "`+` cannot combine a number with a string; the result is always null", at: 2,
            hint: "to join text, both sides must be strings"),
        TypeIssueCase("now - 1", "`-` needs numbers, but its left side is a time", at: 0, hint: timeHint),
        TypeIssueCase(
            "event.time + 86400", "`+` cannot combine a time with a number; the result is always null", at: 11,
            hint: timeHint),
        TypeIssueCase("profile.x / 0", "division by zero is always null", at: 10),
        TypeIssueCase("-'a'", "`-` needs a number, but this is a string", at: 0),
        TypeIssueCase("-journey.entered_at", "`-` needs a number, but this is a time", at: 0, hint: timeHint),
        // Comparisons
        TypeIssueCase("'a' < 3", "`<` compares a string with a number, which is always false", at: 4, hint: quoteHint),
        TypeIssueCase(
            "event.time > 5", "`>` compares a time with a number, which is always false", at: 11, hint: timeHint),
        TypeIssueCase(
            "profile.x < null",
            "`<` compares numbers or strings, but its right side is null; the result is always false",
            at: 12, hint: "to test for a missing value, use `exists(…)` or `== null`"),
        TypeIssueCase(
            "[1] <= profile.x",
            "`<=` compares numbers or strings, but its left side is a list; the result is always false",
            at: 0),
        TypeIssueCase(
            "true > false",
            "`>` compares numbers or strings, but its left side is true or false; the result is always false",
            at: 0),
        TypeIssueCase(
            "1 == 'a'", "`==` compares a number with a string, which are never equal", at: 2, hint: quoteHint),
        TypeIssueCase("true != 1", "`!=` compares true or false with a number, which are never equal", at: 5),
        TypeIssueCase(
            "event.name == 3", "`==` compares a string with a number, which are never equal", at: 11, hint: quoteHint),
        // Membership
        TypeIssueCase(
            "profile.x in 5", "`in` needs a list or a string on its right, but this is a number", at: 13,
            hint: "for example `event.sku in ['A1', 'B2']`"),
        TypeIssueCase(
            "profile.x in null", "`in` needs a list or a string on its right, but this is null", at: 13,
            hint: "for example `event.sku in ['A1', 'B2']`"),
        TypeIssueCase(
            "3 in 'abc'", "`in` on a string looks for text, but its left side is a number; the result is always false",
            at: 0),
        TypeIssueCase(
            "[1] in event.name",
            "`in` on a string looks for text, but its left side is a list; the result is always false", at: 0),
        // Logic
        TypeIssueCase(
            "1 and profile.x", "`and` needs conditions, but its left side is a number", at: 0, hint: numberConditionHint
        ),
        TypeIssueCase(
            "profile.x or 'yes'", "`or` needs conditions, but its right side is a string", at: 13,
            hint: stringConditionHint),
        TypeIssueCase("not 3", "`not` needs conditions, but its operand is a number", at: 4, hint: numberConditionHint),
        TypeIssueCase("not null", "`not` needs conditions, but its operand is null", at: 4),
        // Functions
        TypeIssueCase("lower(3)", "`lower` needs a string, but this is a number", at: 6),
        TypeIssueCase("upper(true) == 'TRUE'", "`upper` needs a string, but this is true or false", at: 6),
        TypeIssueCase(
            "contains(5, 1)", "`contains` needs a list or a string first, but this is a number", at: 9,
            hint: "write `contains(list_or_string, value)`"),
        TypeIssueCase(
            "contains('abc', 1)",
            "`contains` on a string looks for text, but this is a number; the result is always false",
            at: 16),
        TypeIssueCase(
            "days_since(true) > 1",
            "`days_since` needs a time (an ISO-8601 string or Unix seconds), but this is true or false", at: 11,
            hint: "write `days_since(time)`"),
        TypeIssueCase(
            "hours_since('yesterday') > 1", "`hours_since` cannot read \"yesterday\" as a time", at: 12,
            hint: "write an ISO-8601 time such as '2024-03-13T11:23:32Z' or a date such as '2024-03-13'"),
        // The expected type of the whole expression
        TypeIssueCase(
            "profile.age + 1", expecting: .bool, "a condition must be true or false, but this is a number", at: 0,
            hint: numberConditionHint),
        TypeIssueCase(
            "'yes'", expecting: .bool, "a condition must be true or false, but this is a string", at: 0,
            hint: stringConditionHint),
        TypeIssueCase(
            "event.name", expecting: .bool, "a condition must be true or false, but this is a string", at: 0,
            hint: stringConditionHint),
        TypeIssueCase(
            "now", expecting: .bool, "a condition must be true or false, but this is a time", at: 0,
            hint: stringConditionHint),
        TypeIssueCase("null", expecting: .bool, "a condition must be true or false, but this is null", at: 0),
        TypeIssueCase(
            "  [1]", expecting: .bool, "a condition must be true or false, but this is a list", at: 2,
            hint: "test membership, for example `event.sku in ['A1', 'B2']`"),
        TypeIssueCase(
            " (1 + 2)", expecting: .bool, "a condition must be true or false, but this is a number", at: 1,
            hint: numberConditionHint),
        TypeIssueCase("'5'", expecting: .number, "expected a number, but this is a string", at: 0),
        TypeIssueCase("exists(profile.x)", expecting: .number, "expected a number, but this is true or false", at: 0),
    ])
    func reportsWhatIsCertainlyWrong(_ expected: TypeIssueCase) throws {
        #expect(try issues(expected.text, expecting: expected.expecting) == [expected.issue])
    }

    @Test(arguments: [
        "profile.age > 18", "profile.vip", "profile.x + 1 > profile.y", "profile.name + 'x' == 'ax'",
        "event.time < now", "event.time > '2024-01-01'", "journey.entered_at < event.time", "now == event.time",
        "'vip' in profile.tags", "profile.x in profile.y", "'a' in event.name", "'2024' in now", "profile.x in []",
        "exists(profile.email)", "contains(profile.tags, 1)", "contains(event.name, 'cart')",
        "days_since(profile.last_seen_at) > 30", "days_since(0) > 1", "days_since('2024-01-01') > 1",
        "hours_since(event.time) < 1", "hours_since(profile.signup) >= profile.trial_hours",
        "lower(profile.x) == 'a'", "upper(event.name) == 'X'", "profile.x == null", "null == null", "1 == null",
        "profile.a and profile.b", "not profile.a", "-profile.x < 0", "profile.x / 2 > 1", "profile.x / 0.5 > 1",
        "(profile.a or profile.b) and not exists(profile.c)", "profile.x == [1, 2]", "event.name + '!' == 'x!'",
        "profile.tags == []", "profile.x + now == 'x'", "profile.x < profile.y", "1 < 2", "'a' <= 'b'",
        "journey.id == 'cart-abandonment'", "profile.settings == profile.defaults", "profile.flag == true",
    ])
    func acceptsWhatCouldBeRightAtRunTime(text: String) throws {
        #expect(try issues(text, expecting: .bool) == [])
    }

    @Test(
        arguments: [
            ("profile.age + 1", nil), ("'text'", nil), ("null", nil), ("[1, 'a']", nil),
            ("profile.x", .number), ("profile.x + 1", .number), ("days_since(now)", .number), ("-3", .number),
            ("event.time", .string), ("lower(profile.x)", .string), ("'2024-03-13'", .time), ("'x'", .any),
            ("profile.x", .list), ("[1]", .list),
        ] as [(String, ExpressionType?)])
    func acceptsCompatibleResults(text: String, expecting: ExpressionType?) throws {
        #expect(try issues(text, expecting: expecting) == [])
    }

    @Test func reportsOneMistakeOnceAndEveryIndependentMistake() throws {
        #expect(try issues("(true + 1) > 3 and not (true + 1)", expecting: .bool).map(\.offset) == [1, 24])
        let two = try issues("lower(1) == 'a' and upper(2) == 'B'", expecting: .bool)
        #expect(
            two.map(\.message) == [
                "`lower` needs a string, but this is a number", "`upper` needs a string, but this is a number",
            ])
        #expect(two.map(\.offset) == [6, 26])
    }

    @Test(
        arguments: [
            ("1 + 2", ExpressionType.number), ("'a' + profile.x", .string), ("profile.x + profile.y", .any),
            ("now", .time), ("event.time", .time), ("journey.entered_at", .time), ("event.name", .string),
            ("journey.id", .string), ("profile.x", .any), ("event.sku", .any), ("exists(profile.x)", .bool),
            ("[1]", .list), ("null", .null), ("-profile.x", .number), ("lower(profile.x)", .string),
            ("profile.x * 2", .number), ("1 in [1]", .bool), ("days_since(now)", .number), ("true + 1", .any),
        ] as [(String, ExpressionType)])
    func infersTypes(text: String, type: ExpressionType) throws {
        #expect(ExpressionTypeChecker.type(of: try Expression.parse(text)) == type)
    }

    @Test func treesBuiltInCodeAreCheckedWithOffsetZero() {
        let wrongArity = Expression(source: "made in code", root: .call(.lower, [.literal(1), .literal(2)]))
        #expect(
            ExpressionTypeChecker.check(wrongArity) == [
                ExpressionTypeIssue("`lower` takes 1 argument(s), not 2", hint: "write `lower(string)`", at: 0)
            ])
        let notAPath = Expression(source: "", root: .call(.exists, [.literal(1)]))
        #expect(ExpressionTypeChecker.check(notAPath).map(\.message) == ["`exists` needs a path"])
        // Source that parses to a different tree: its positions are not trusted.
        let mismatched = Expression(source: "1 + 'a' ", root: .binary(.subtract, .literal("a"), .literal(1)))
        #expect(ExpressionTypeChecker.check(mismatched).map(\.offset) == [0])
        // A literal built from YAML keeps its JSON text as source, which parses back to it.
        let literal = Expression(source: "\"x\"", root: .literal("x"))
        #expect(ExpressionTypeChecker.check(literal, expecting: .number).map(\.offset) == [0])
    }

    @Test func typesDescribeThemselves() {
        #expect(
            ExpressionType.allCases.map(\.description) == [
                "true or false", "a number", "a string", "a time", "a list", "an object", "null", "any value",
            ])
        #expect(ExpressionType(of: ["a": 1]) == .object)
        #expect(ExpressionType.time.isCompatible(with: .string))
        #expect(ExpressionType.string.isCompatible(with: .time))
        #expect(!ExpressionType.number.isCompatible(with: .string))
        #expect(ExpressionType.any.isCompatible(with: .bool))
        #expect(ExpressionTypeIssue("m", hint: "h", at: 2).description == "offset 2: m\n    hint: h")
    }
}
