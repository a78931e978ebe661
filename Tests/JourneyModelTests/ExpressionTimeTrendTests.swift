import Foundation
import JourneyModel
import Testing

@Suite("Expressions: how a condition's truth moves as time passes")
struct ExpressionTimeTrendTests {
    static func trend(_ text: String) throws -> TimeTrend {
        try JourneyModel.Expression.parse(text).truthTrend
    }

    @Test(arguments: [
        "days_since(profile.last_seen_at) > 30",
        "days_since(profile.last_seen_at) >= 30",
        "30 < days_since(profile.last_seen_at)",
        "hours_since(profile.cart_at) * 60 > 90",
        "days_since(profile.a) - 7 > profile.grace",
        "-days_since(profile.a) < -3",
        "now >= '2024-06-01T00:00:00Z'",
        "profile.tier == 'gold' and days_since(profile.joined_at) > 14",
        "days_since(profile.a) > 30 or hours_since(profile.b) >= 2",
        "not (days_since(profile.a) <= 30)",
        "not (days_since(profile.a) < 7) and exists(profile.email)",
    ])
    func conditionsThatOnlyTurnTrueRise(_ text: String) throws {
        #expect(try Self.trend(text) == .rising)
    }

    @Test(arguments: [
        "profile.plan == 'pro'",
        "profile.purchase_count >= 2 and 'vip' in profile.tags",
        "exists(profile.email)",
        "lower(profile.country) == 'fr'",
        "profile.a + 1 > profile.b * 2",
    ])
    func conditionsThatIgnoreTheClockAreConstant(_ text: String) throws {
        #expect(try Self.trend(text) == .constant)
    }

    @Test(arguments: [
        "days_since(profile.last_seen_at) < 7",
        "days_since(profile.last_seen_at) <= 7",
        "now < '2024-06-01T00:00:00Z'",
        "not (days_since(profile.a) > 30)",
    ])
    func conditionsThatOnlyTurnFalseFall(_ text: String) throws {
        #expect(try Self.trend(text) == .falling)
    }

    @Test(arguments: [
        // A window: true for a while, then false again.
        "days_since(profile.a) > 30 and days_since(profile.a) < 60",
        "days_since(profile.a) > 30 or days_since(profile.b) < 2",
        // Equality with a moving value holds at one instant only.
        "days_since(profile.a) == 3",
        "now == '2024-06-01T00:00:00Z'",
        // Two moving sides, a factor of unknown sign, text built from the clock.
        "days_since(profile.a) > hours_since(profile.b)",
        "days_since(profile.a) * profile.factor > 3",
        "profile.factor * days_since(profile.a) > 3",
        "100 / days_since(profile.a) > 3",
        "now + 'x' > 'a'",
        "days_since(now) > 1",
        "lower(now) > '2024'",
        "days_since(profile.a) in [1, 2, 3]",
    ])
    func conditionsWhoseTruthMayComeAndGoAreUnknown(_ text: String) throws {
        #expect(try Self.trend(text) == .unknown)
    }
}

@Suite("Expressions: fixing what does not move with time")
struct ExpressionFixingTests {
    static let profile: JSONValue = [
        "last_seen_at": "2024-03-01T08:00:00+08:00", "tier": "gold", "joined": 1_700_000_000, "grace": 2, "bad": "yesterday",
    ]

    /// At many instants, the fixed expression has the original's value: for conditions that
    /// move with time and for those that do not (fixing is not limited to rising ones).
    @Test(arguments: [
        "days_since(profile.last_seen_at) > 30",
        "profile.tier == 'gold' and hours_since(profile.joined) - profile.grace * 24 >= 100",
        "days_since(profile.bad) > 1",
        "days_since(profile.missing) > 1 or profile.tier == 'gold'",
        "not (days_since(profile.last_seen_at) < 7) and exists(profile.tier)",
        "now >= '2024-03-20' and lower(profile.tier) in ['gold', 'silver']",
        "-days_since(profile.last_seen_at) < -3",
        "[days_since(profile.last_seen_at), 1] == [1, 1]",
    ])
    func fixedPartsGiveTheSameValueAtEveryInstant(_ text: String) throws {
        let expression = try JourneyModel.Expression.parse(text)
        let start = Date(timeIntervalSince1970: 1_709_000_000)
        let fixed = expression.fixingTimeInvariantParts(in: EvaluationContext(profile: Self.profile, now: start))
        for hour in stride(from: 0, to: 24 * 60, by: 7) {
            let now = start.addingTimeInterval(Double(hour) * 3_600)
            #expect(fixed.evaluate(in: EvaluationContext(now: now)) == expression.evaluate(in: EvaluationContext(profile: Self.profile, now: now)), "at +\(hour)h")
        }
        #expect(fixed.root != expression.root, "something was fixed")
    }
}
