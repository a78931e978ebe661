import Testing

@testable import JourneyModel

/// The error `Expression.parse` throws for `text`, or `nil` when it parses.
func syntaxError(_ text: String) -> ExpressionSyntaxError? {
    do {
        _ = try Expression.parse(text)
        return nil
    } catch {
        return error
    }
}

/// One bad expression and exactly what the author is told.
struct SyntaxErrorCase: Sendable, CustomTestStringConvertible {
    var text: String
    var message: String
    var offset: Int
    var hint: String?

    init(_ text: String, _ message: String, at offset: Int, hint: String? = nil) {
        self.text = text
        self.message = message
        self.offset = offset
        self.hint = hint
    }

    var testDescription: String { text.isEmpty ? "(empty)" : text.count > 40 ? String(text.prefix(40)) + "…" : text }
}

private let valueHint = "expected a value: a number, a 'string', a path such as `profile.age`, or `(`"
private let escapeHint = #"the escapes are \\ \' \" \/ \n \t \r and \uXXXX"#
private let durationHint =
    "durations are not values in expressions; compare `days_since(…)` or `hours_since(…)` with a number"
private let operatorHint = "expected an operator such as `and`, `==` or `+`, or the end of the expression"

@Suite("Expression syntax errors")
struct ExpressionSyntaxErrorTests {
    @Test(arguments: [
        // Unexpected tokens and ends
        SyntaxErrorCase("profile.age >", "the expression ends too soon", at: 13, hint: valueHint),
        SyntaxErrorCase("1 +", "the expression ends too soon", at: 3, hint: valueHint),
        SyntaxErrorCase("profile.age > > 3", "unexpected `>`", at: 14, hint: valueHint),
        SyntaxErrorCase("+1", "unexpected `+`", at: 0, hint: valueHint),
        SyntaxErrorCase("1 2", "unexpected `2`", at: 2, hint: operatorHint),
        SyntaxErrorCase("profile.a 'x'", "unexpected `\"x\"`", at: 10, hint: operatorHint),
        SyntaxErrorCase("profile.age)", "unexpected `)`", at: 11, hint: "this `)` has no `(` to close"),
        SyntaxErrorCase("[1]]", "unexpected `]`", at: 3, hint: "this `]` has no `[` to close"),
        SyntaxErrorCase("", "the expression is empty", at: 0, hint: "write a condition such as `profile.age >= 18`"),
        SyntaxErrorCase(
            "  \n ", "the expression is empty", at: 0, hint: "write a condition such as `profile.age >= 18`"),
        SyntaxErrorCase(
            "(1 + 2", "expected `)`, found the end of the expression", at: 6, hint: "to close the `(` at character 1 of the expression"),
        SyntaxErrorCase(
            "[1, 2", "expected `,` or `]`, found the end of the expression", at: 5, hint: "to close the `[` at character 1 of the expression"
        ),
        SyntaxErrorCase("[1 2]", "expected `,` or `]`, found `2`", at: 3, hint: "to close the `[` at character 1 of the expression"),
        SyntaxErrorCase(
            "lower('a'", "expected `,` or `)`, found the end of the expression", at: 9,
            hint: "to close the `(` at character 6 of the expression"),
        SyntaxErrorCase(
            "1 < profile.age < 3", "comparisons cannot be chained", at: 16,
            hint: "combine two comparisons with `and`, for example `18 <= profile.age and profile.age < 65`"),
        SyntaxErrorCase(
            "1 == 1 == true", "comparisons cannot be chained", at: 7,
            hint: "combine two comparisons with `and`, for example `18 <= profile.age and profile.age < 65`"),
        // Habits from other languages
        SyntaxErrorCase("profile.age = 3", "unexpected `=`", at: 12, hint: "to compare, write `==`"),
        SyntaxErrorCase("profile.a && profile.b", "unexpected `&`", at: 10, hint: "write `and` to combine conditions"),
        SyntaxErrorCase("profile.a || profile.b", "unexpected `|`", at: 10, hint: "write `or` to combine conditions"),
        SyntaxErrorCase("!profile.vip", "unexpected `!`", at: 0, hint: "write `not` to negate a condition"),
        SyntaxErrorCase("profile.a AND profile.b", "unexpected `AND`", at: 10, hint: "did you mean `and`?"),
        SyntaxErrorCase("profile.x not in [1]", "unexpected `not`", at: 10, hint: "write `not (x in list)`"),
        SyntaxErrorCase("and", "unexpected `and`", at: 0, hint: "expected a value before `and`"),
        SyntaxErrorCase("profile.age # note", "unexpected character `#`", at: 12),
        // Strings and numbers
        SyntaxErrorCase("'abc", "unterminated string", at: 0, hint: "close it with '"),
        SyntaxErrorCase("profile.name == \"abc", "unterminated string", at: 16, hint: "close it with \""),
        SyntaxErrorCase(#"'abc\"#, "unterminated string", at: 4, hint: escapeHint),
        SyntaxErrorCase(#"'\q'"#, "unknown escape `\\q`", at: 1, hint: escapeHint),
        SyntaxErrorCase(#"'ab\u12'"#, "`\\u` needs four hex digits", at: 3, hint: escapeHint),
        SyntaxErrorCase(#"'\uD800'"#, "`\\u` escape is not a character", at: 1, hint: escapeHint),
        SyntaxErrorCase(
            "days_since(x) > 3d", "`3d` is not a number", at: 16,
            hint: durationHint),
        SyntaxErrorCase("3abc", "`3abc` is not a number", at: 0),
        SyntaxErrorCase("1.5.2", "`1.5.` is not a number", at: 3),
        SyntaxErrorCase("5.", "`5.` is not a number", at: 1),
        // Functions
        SyntaxErrorCase("lowr(profile.city)", "unknown function `lowr`", at: 0, hint: "did you mean `lower`?"),
        SyntaxErrorCase(
            "1 + days_sinse(now)", "unknown function `days_sinse`", at: 4, hint: "did you mean `days_since`?"),
        SyntaxErrorCase("Exists(profile.a)", "unknown function `Exists`", at: 0, hint: "did you mean `exists`?"),
        SyntaxErrorCase(
            "frobnicate(1)", "unknown function `frobnicate`", at: 0,
            hint: "the functions are `exists`, `contains`, `days_since`, `hours_since`, `lower`, `upper`"),
        SyntaxErrorCase("now()", "`now` is not a function", at: 0, hint: "write `now` without parentheses"),
        SyntaxErrorCase("lower(1, 2)", "`lower` takes 1 argument, not 2", at: 0, hint: "write `lower(string)`"),
        SyntaxErrorCase(
            "x == upper()", "unknown name `x`", at: 0,
            hint: "paths start with `profile.`, `event.`, `journey.` or are `now`; text needs quotes: 'x'"),
        SyntaxErrorCase("'x' == upper()", "`upper` takes 1 argument, not 0", at: 7, hint: "write `upper(string)`"),
        SyntaxErrorCase(
            "contains(profile.tags)", "`contains` takes 2 arguments, not 1", at: 0,
            hint: "write `contains(list_or_string, value)`"),
        SyntaxErrorCase(
            "exists('x')", "`exists` needs a path, not a computed value", at: 7, hint: "write `exists(profile.email)`"),
        SyntaxErrorCase(
            "exists(lower(profile.x))", "`exists` needs a path, not a computed value", at: 7,
            hint: "write `exists(profile.email)`"),
        SyntaxErrorCase(
            "exists((profile.a + 1))", "`exists` needs a path, not a computed value", at: 7,
            hint: "write `exists(profile.email)`"),
        // Names and paths
        SyntaxErrorCase("profle.age > 3", "unknown name `profle`", at: 0, hint: "did you mean `profile`?"),
        SyntaxErrorCase("evnt.name == 'x'", "unknown name `evnt`", at: 0, hint: "did you mean `event`?"),
        SyntaxErrorCase("True", "unknown name `True`", at: 0, hint: "did you mean `true`?"),
        SyntaxErrorCase(
            "event.plan == premium", "unknown name `premium`", at: 14,
            hint: "paths start with `profile.`, `event.`, `journey.` or are `now`; text needs quotes: 'premium'"),
        SyntaxErrorCase("profile", "`profile` needs an attribute name", at: 0, hint: "for example `profile.email`"),
        SyntaxErrorCase("exists(event)", "`event` needs an attribute name", at: 7, hint: "for example `event.name`"),
        SyntaxErrorCase("profile.", "expected a name after `.`, found the end of the expression", at: 8),
        SyntaxErrorCase("profile.'a'", "expected a name after `.`, found `\"a\"`", at: 8),
        SyntaxErrorCase(
            "journey", "`journey` needs a field", at: 0, hint: "write `journey.entered_at` or `journey.id`"),
        SyntaxErrorCase(
            "journey.enteredAt", "unknown journey field `enteredAt`", at: 8, hint: "did you mean `entered_at`?"),
        SyntaxErrorCase(
            "journey.version", "unknown journey field `version`", at: 8,
            hint: "the journey's fields are `entered_at` and `id`"),
        SyntaxErrorCase("journey.id.x", "`journey.id` has no fields", at: 11, hint: "write `journey.id`"),
        SyntaxErrorCase("event.name.first", "`event.name` has no fields", at: 11, hint: "write `event.name`"),
        SyntaxErrorCase("event.time.hour", "`event.time` has no fields", at: 11, hint: "write `event.time`"),
        SyntaxErrorCase("now.day", "`now` has no fields", at: 4, hint: "`now` is the current time; write `now`"),
    ])
    func reportsWhatAndWhere(_ expected: SyntaxErrorCase) throws {
        let error = try #require(syntaxError(expected.text))
        #expect(error.message == expected.message)
        #expect(error.offset == expected.offset)
        #expect(error.hint == expected.hint)
    }

    /// Offsets count Unicode scalars, like a YAML column: `👍🏽` is one character but
    /// two scalars, so `lowr` is at scalar 8 (character 7), as it is after `'中文'`.
    @Test func offsetsCountUnicodeScalars() throws {
        #expect(syntaxError("'中文' == lowr('x')")?.offset == 8)
        #expect(syntaxError("'👍🏽' == lowr('x')")?.offset == 8)
        #expect(syntaxError("'e\u{301}x' == lowr('x')")?.offset == 9)
    }

    @Test func tooLargeANumber() throws {
        let error = try #require(syntaxError(String(repeating: "9", count: 400) + " > 1"))
        #expect(error.offset == 0)
        #expect(error.message.hasPrefix("the number `999"))
        #expect(error.message.hasSuffix("` is too large"))
    }

    // MARK: Hostile input: an error, never a stack overflow

    private let deepHint = "split it into simpler conditions"
    private let deepMessage = "the expression is nested too deeply (more than 64 levels)"

    /// Hostile shapes, 5 000 levels deep, and where the 65th level starts.
    private static let hostile: [String: (text: String, offset: Int)] = [
        "parentheses": (String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000), 64),
        "brackets": (String(repeating: "[", count: 5_000), 64),
        "minus signs": (String(repeating: "-", count: 5_000) + "1", 64),
        "nots": (String(repeating: "not ", count: 3_000) + "true", 64 * 4),
        "calls": (String(repeating: "lower(", count: 2_000), 64 * 6 + 5),
    ]

    @Test(arguments: ["parentheses", "brackets", "minus signs", "nots", "calls"])
    func deepNestingIsRejected(shape: String) throws {
        let (text, offset) = try #require(Self.hostile[shape])
        let error = try #require(syntaxError(text))
        #expect(error.message == deepMessage)
        #expect(error.hint == deepHint)
        #expect(error.offset == offset)
    }

    @Test func longChainsAreRejected() throws {
        // 65 terms make a tree 65 deep; the 64th `and` (at 5 + 9 × 63) is one too many.
        let chain = Array(repeating: "true", count: 65).joined(separator: " and ")
        let error = try #require(syntaxError(chain))
        #expect(error.message == deepMessage)
        #expect(error.offset == 5 + 9 * 63)
        let sum = Array(repeating: "1", count: 3_000).joined(separator: "+")
        #expect(syntaxError(sum)?.message == deepMessage)
    }

    @Test func tooLongIsRejected() throws {
        let text = "event.sku in [" + String(repeating: "'A', ", count: 4_000) + "]"
        let error = try #require(syntaxError(text))
        #expect(error.message == "the expression is too long (20015 characters; at most 16384)")
        #expect(error.offset == 16_384)
        #expect(error.hint == "split it into simpler conditions or keep long lists in a profile attribute")
    }

    @Test func describesItself() {
        let error = ExpressionSyntaxError("unknown function `lowr`", hint: "did you mean `lower`?", at: 3)
        #expect(error.description == "offset 3: unknown function `lowr`\n    hint: did you mean `lower`?")
    }
}
