import Foundation
import Testing

@testable import JourneyModel

@Suite("Expression parsing")
struct ExpressionParserTests {
    private func tree(_ text: String) throws -> ExpressionNode {
        try Expression.parse(text).root
    }

    private func path(_ root: ExpressionPath.Root, _ components: String...) -> ExpressionNode {
        .path(ExpressionPath(root: root, components: components))
    }

    @Test func keepsTheSourceText() throws {
        let expression = try Expression.parse("  profile.age  >= 18 ")
        #expect(expression.source == "  profile.age  >= 18 ")
        #expect(expression.description == "  profile.age  >= 18 ")
    }

    @Test(arguments: [
        ("42", JSONValue.number(42)), ("3.25", 3.25), ("007", 7), ("-3", -3), ("- 2.5", -2.5),
        ("'single'", "single"), ("\"double\"", "double"), ("''", ""),
        (#"'it\'s'"#, "it's"), (#""say \"hi\"""#, "say \"hi\""), (#"'a\\b'"#, "a\\b"), (#"'a\/b'"#, "a/b"),
        (#"'line\nbreak\ttab\rreturn'"#, "line\nbreak\ttab\rreturn"), (#"'\u00e9\u4E2D'"#, "é中"),
        ("'mixed \"quotes\"'", "mixed \"quotes\""), ("\"it's\"", "it's"), ("'中文 ✓'", "中文 ✓"),
        ("true", true), ("false", false), ("null", nil),
    ])
    func literals(text: String, expected: JSONValue) throws {
        #expect(try tree(text) == .literal(expected))
    }

    @Test func lists() throws {
        #expect(try tree("[]") == .list([]))
        #expect(try tree("[1, 'a', null,]") == .list([.literal(1), .literal("a"), .literal(nil)]))
        #expect(try tree("[[1], [-2]]") == .list([.list([.literal(1)]), .list([.literal(-2)])]))
        #expect(try tree("[profile.age + 1]") == .list([.binary(.add, path(.profile, "age"), .literal(1))]))
    }

    @Test func paths() throws {
        #expect(try tree("profile.consent.email") == path(.profile, "consent", "email"))
        #expect(try tree("profile . age") == path(.profile, "age"))
        #expect(try tree("profile.2fa_enabled") == path(.profile, "2fa_enabled"))
        #expect(try tree("profile.城市") == path(.profile, "城市"))
        #expect(try tree("event.name") == path(.event, "name"))
        #expect(try tree("event.in") == path(.event, "in"))
        #expect(try tree("event.cart.total") == path(.event, "cart", "total"))
        #expect(try tree("journey.entered_at") == path(.journey, "entered_at"))
        #expect(try tree("journey.id") == path(.journey, "id"))
        #expect(try tree("now") == path(.now))
        #expect(ExpressionPath(root: .profile, components: ["a", "b"]).description == "profile.a.b")
    }

    @Test func calls() throws {
        #expect(try tree("exists(profile.email)") == .call(.exists, [path(.profile, "email")]))
        #expect(
            try tree("contains(profile.tags, 'vip')") == .call(.contains, [path(.profile, "tags"), .literal("vip")]))
        #expect(try tree("days_since(profile.last_seen_at)") == .call(.daysSince, [path(.profile, "last_seen_at")]))
        #expect(try tree("hours_since(0)") == .call(.hoursSince, [.literal(0)]))
        #expect(try tree("lower(upper('a'))") == .call(.lower, [.call(.upper, [.literal("a")])]))
    }

    @Test func operatorsAndPrecedence() throws {
        let age = path(.profile, "age")
        #expect(try tree("1 + 2 * 3") == .binary(.add, .literal(1), .binary(.multiply, .literal(2), .literal(3))))
        #expect(try tree("1 - 2 - 3") == .binary(.subtract, .binary(.subtract, .literal(1), .literal(2)), .literal(3)))
        #expect(try tree("8 / 4 * 2") == .binary(.multiply, .binary(.divide, .literal(8), .literal(4)), .literal(2)))
        #expect(try tree("-profile.age * 2") == .binary(.multiply, .negate(age), .literal(2)))
        #expect(try tree("--profile.age") == .negate(.negate(age)))
        #expect(try tree("profile.age + 1 > 18") == .binary(.greater, .binary(.add, age, .literal(1)), .literal(18)))
        #expect(try tree("not profile.age == 1") == .not(.binary(.equal, age, .literal(1))))
        #expect(try tree("not not true") == .not(.not(.literal(true))))
        #expect(
            try tree("true or false and not null")
                == .binary(.or, .literal(true), .binary(.and, .literal(false), .not(.literal(nil)))))
        #expect(
            try tree("true and false or true")
                == .binary(.or, .binary(.and, .literal(true), .literal(false)), .literal(true)))
        #expect(
            try tree("(true or false) and true")
                == .binary(.and, .binary(.or, .literal(true), .literal(false)), .literal(true)))
        #expect(try tree("1 in [1]") == .binary(.in, .literal(1), .list([.literal(1)])))
    }

    @Test(arguments: BinaryOperator.allCases)
    func everyOperatorParses(op: BinaryOperator) throws {
        #expect(try tree("1 \(op.rawValue) 2") == .binary(op, .literal(1), .literal(2)))
        // Symbols need no spaces around them; words do.
        let isWord = op.rawValue.first?.isLetter == true
        let tight = isWord ? "1 \(op.rawValue) 2" : "1\(op.rawValue)2"
        #expect(try tree(tight) == .binary(op, .literal(1), .literal(2)))
    }

    @Test func whitespaceOfAnyKind() throws {
        #expect(try tree("\tprofile.age\n>=\r\n18 ") == .binary(.greaterOrEqual, path(.profile, "age"), .literal(18)))
    }

    @Test func nestingUpToTheLimitIsFine() throws {
        let depth = ExpressionParser.maxDepth - 1
        let text = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        #expect(try tree(text) == .literal(1))
        let chain = Array(repeating: "true", count: ExpressionParser.maxDepth).joined(separator: " and ")
        #expect(try Expression.parse(chain).evaluate(in: fixtureContext) == true)
    }

    @Test func aLongFlatListIsFine() throws {
        let items = (0..<1_000).map { "'SKU\($0)'" }.joined(separator: ", ")
        let expression = try Expression.parse("event.sku in [\(items), 'A1']")
        #expect(expression.holds(in: fixtureContext))
    }

    @Test func roundTripsThroughCodable() throws {
        let expression = try Expression.parse("days_since(profile.last_seen_at) > 30 and not ('vip' in profile.tags)")
        let data = try JSONEncoder().encode(expression)
        #expect(try JSONDecoder().decode(Expression.self, from: data) == expression)
    }
}
