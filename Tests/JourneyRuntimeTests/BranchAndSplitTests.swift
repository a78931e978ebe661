import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("split: stable assignment and weights")
struct SplitTests {
    static func abTest(_ id: String = "j", stepID: String = "ab", weights: (Double, Double) = (1, 1), holdout: Double = 0) -> JourneyDefinition {
        journey(id, steps: [
            step(stepID, .split(Split(variants: [
                .init(name: "a", weight: weights.0, target: .step("send_a")),
                .init(name: "b", weight: weights.1, target: .step("send_b")),
            ], holdoutPercent: holdout))),
            step("send_a", .email("offer_a"), next: .end),
            step("send_b", .email("offer_b")),
        ])
    }

    /// The variant recorded on the last action of `customer`'s run.
    static func variant(_ definition: JourneyDefinition, customer: String, attributes: [String: JSONValue] = [:]) -> String? {
        var h = Harness(definition, customer: customer, attributes: attributes)
        h.event("signup", at: 0)
        return h.actions.last?.variant
    }

    static func counts(_ definition: JourneyDefinition, customers: Int) -> [String: Int] {
        var counts: [String: Int] = [:]
        for n in 0..<customers {
            counts[variant(definition, customer: "user_\(n)") ?? "none", default: 0] += 1
        }
        return counts
    }

    @Test func theVariantIsRecordedOnEveryLaterActionButNotOnEntry() {
        var h = Harness(Self.abTest(), customer: "user_1")
        h.event("signup", at: 0)
        let variant = h.run()?.variant ?? h.actions.last?.variant
        #expect(variant == "a" || variant == "b")
        #expect(h.actions.map(\.variant) == [nil, variant, variant])
        #expect(h.log[1] == "+0 j#1 send send_\(variant!) ch=email tpl=offer_\(variant!) var=\(variant!)")
    }

    /// The `assigned` trace (what summaries count as a variant run) comes once per run and
    /// variant, however often the run passes the split; the split's edge comes every time.
    @Test func aRunJoinsItsVariantOnceThoughItPassesTheSplitAgain() {
        let looping = journey(steps: [
            step("ab", .split(Split(variants: [.init(name: "a", weight: 1, target: .step("nap")), .init(name: "b", weight: 1, target: .step("nap"))]))),
            step("nap", .pause("1d")),
            step("again", .goto(.step("ab"))),
        ])
        var h = Harness(looping, customer: "user_1")
        h.event("signup", at: 0)
        h.advance(to: days(3))
        let traces = h.effects.compactMap { effect -> StepTrace? in if case .trace(let trace) = effect { trace } else { nil } }
        let joins = traces.filter { $0.kind == .assigned }
        #expect(joins.count == 1)
        #expect(joins.first?.variant == h.run()?.variant)
        #expect(traces.filter { if case .edge(_, let label) = $0.kind { label == "a" || label == "b" } else { false } }.count == 4)
    }

    @Test func theSameCustomerAlwaysGetsTheSameVariant() {
        for n in 0..<50 {
            let customer = "user_\(n)"
            let first = Self.variant(Self.abTest(), customer: customer)
            #expect(Self.variant(Self.abTest(), customer: customer, attributes: ["plan": "pro", "n": .number(Double(n))]) == first)
            // A second run of the same customer lands in the same variant.
            var h = Harness(Self.abTest(), customer: customer)
            h.event("signup", at: 0)
            h.event("signup", at: days(1))
            #expect(h.actions.filter { $0.run == 2 }.last?.variant == first)
        }
    }

    @Test func theAssignmentDependsOnTheJourneyAndTheStep() {
        var differentStep = 0, differentJourney = 0
        for n in 0..<1_000 {
            let base = Self.variant(Self.abTest(), customer: "user_\(n)")
            if Self.variant(Self.abTest(stepID: "other"), customer: "user_\(n)") != base { differentStep += 1 }
            if Self.variant(Self.abTest("k"), customer: "user_\(n)") != base { differentJourney += 1 }
        }
        // Independent halves disagree about half the time.
        #expect((400...600).contains(differentStep))
        #expect((400...600).contains(differentJourney))
    }

    @Test func tenThousandCustomersFollowTheRelativeWeights() {
        let counts = Self.counts(Self.abTest(weights: (1, 3)), customers: 10_000)
        #expect(counts.keys.sorted() == ["a", "b"])
        #expect((2_300...2_700).contains(counts["a"] ?? 0), "a: \(counts)")
        #expect((7_300...7_700).contains(counts["b"] ?? 0), "b: \(counts)")
    }

    @Test func theHoldoutShareIsTakenFirstAndTheRestFollowsTheWeights() {
        let counts = Self.counts(Self.abTest(weights: (1, 1), holdout: 20), customers: 10_000)
        #expect(counts.keys.sorted() == ["a", "b", "holdout"])
        #expect((1_800...2_200).contains(counts["holdout"] ?? 0), "holdout: \(counts)")
        #expect((3_800...4_200).contains(counts["a"] ?? 0), "a: \(counts)")
        #expect((3_800...4_200).contains(counts["b"] ?? 0), "b: \(counts)")
    }

    @Test func aZeroHoldoutNeverHoldsOutAndAFullHoldoutAlwaysDoes() {
        var none = 0, all = 0
        for n in 0..<500 {
            if Self.variant(Self.abTest(holdout: 0), customer: "user_\(n)") == "holdout" { none += 1 }
            if Self.variant(Self.abTest(holdout: 100), customer: "user_\(n)") == "holdout" { all += 1 }
        }
        #expect(none == 0)
        #expect(all == 500)
    }

    @Test func aGoalIsAttributedToTheVariant() {
        let definition = journey(goal: Goal(event: "purchase"), steps: [
            step("ab", .split(Split(variants: [.init(name: "only", weight: 1, target: .step("offer"))]))),
            step("offer", .email("offer")),
            step("nap", .pause("1d")),
        ])
        var h = Harness(definition)
        h.event("signup", at: 0)
        h.event("purchase", at: hours(3))
        #expect(h.log == [
            "+0 j#1 enter ab",
            "+0 j#1 send offer ch=email tpl=offer var=only",
            "+3h j#1 goal offer ch=email tpl=offer var=only",
            "+3h j#1 exit nap var=only why=goal",
        ])
    }
}

@Suite("branch: first match, else")
struct BranchTests {
    static let tiered = journey(steps: [
        step("route", .branch(Branch(cases: [
            .init(condition: expr("profile.spent > 100"), target: .step("gold")),
            .init(condition: expr("profile.spent > 10"), target: .step("silver")),
            .init(condition: expr("event.vip == true"), target: .end),
        ], otherwise: .step("bronze")))),
        step("gold", .email("gold"), next: .end),
        step("silver", .email("silver"), next: .end),
        step("bronze", .email("bronze")),
    ])

    static func sent(attributes: [String: JSONValue], event: [String: JSONValue] = [:]) -> [String] {
        var h = Harness(tiered, attributes: attributes)
        h.event("signup", at: 0, event)
        return Array(h.log.dropFirst())
    }

    @Test func theFirstConditionThatHoldsWinsEvenWhenLaterOnesHoldToo() {
        #expect(Self.sent(attributes: ["spent": 500]) == ["+0 j#1 send gold ch=email tpl=gold", "+0 j#1 exit gold why=completed"])
    }

    @Test func laterConditionsAreTriedInOrder() {
        #expect(Self.sent(attributes: ["spent": 50]) == ["+0 j#1 send silver ch=email tpl=silver", "+0 j#1 exit silver why=completed"])
    }

    @Test func elseWhenNoConditionHolds() {
        #expect(Self.sent(attributes: ["spent": 5]) == ["+0 j#1 send bronze ch=email tpl=bronze", "+0 j#1 exit bronze why=completed"])
        #expect(Self.sent(attributes: [:]) == ["+0 j#1 send bronze ch=email tpl=bronze", "+0 j#1 exit bronze why=completed"])
    }

    @Test func aBranchToEndCompletesTheRun() {
        #expect(Self.sent(attributes: ["spent": 1], event: ["vip": true]) == ["+0 j#1 exit route why=completed"])
    }

    @Test func branchesSeeTheProfileAsUpdatedByEarlierSteps() {
        var h = Harness(journey(steps: [step("raise", .setting("spent", to: "1000"))] + Self.tiered.steps), attributes: ["spent": 1])
        h.event("signup", at: 0)
        #expect(h.log.contains("+0 j#1 send gold ch=email tpl=gold"))
    }

    @Test func theEdgeTakenIsTracedWithTheConditionText() {
        var h = Harness(Self.tiered, attributes: ["spent": 50])
        h.event("signup", at: 0)
        let edges = h.effects.compactMap { effect -> String? in
            guard case .trace(let trace) = effect, case .edge(let to, let label) = trace.kind else { return nil }
            return "\(trace.step)->\(to ?? "end") [\(label)]"
        }
        #expect(edges == ["route->silver [profile.spent > 10]", "silver->end [next]"])
    }
}
