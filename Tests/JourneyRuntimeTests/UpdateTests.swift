import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("update: set, increment, unset, tags, dotted paths")
struct UpdateTests {
    static func path(_ text: String) -> [String] { text.split(separator: ".").map(String.init) }

    static func assign(_ pairs: [(String, String)]) -> [ProfileUpdate.Assignment] {
        pairs.map { .init(path: path($0.0), value: expr($0.1)) }
    }

    /// Runs one update step on entry by `signup` with `event`, then a send, and returns the harness.
    static func run(_ update: ProfileUpdate, attributes: [String: JSONValue] = [:], event: [String: JSONValue] = [:]) -> Harness {
        var h = Harness(journey(steps: [step("upd", .update(update)), step("after", .email("after"))]), attributes: attributes)
        h.event("signup", at: 0, event)
        return h
    }

    @Test func setStoresExpressionValuesIncludingDottedPaths() {
        let update = ProfileUpdate(set: Self.assign([
            ("plan", "upper(event.plan)"),
            ("score", "profile.base * 2 + 1"),
            ("address.city", "'Paris'"),
            ("address.geo.lat", "48.85"),
        ]))
        let h = Self.run(update, attributes: ["base": 20, "address": ["zip": "75001"]], event: ["plan": "pro"])
        #expect(h.state.profile["plan"] == "PRO")
        #expect(h.state.profile["score"] == 41)
        #expect(h.state.profile["address"] == ["zip": "75001", "city": "Paris", "geo": ["lat": 48.85]])
        #expect(h.log == [
            "+0 j#1 enter upd",
            "+0 j#1 update upd",
            "+0 j#1 send after ch=email tpl=after",
            "+0 j#1 exit after why=completed",
        ])
    }

    @Test func everyExpressionReadsTheProfileAsItWasBeforeTheStep() {
        let swap = ProfileUpdate(set: Self.assign([("a", "profile.b"), ("b", "profile.a")]), increment: Self.assign([("n", "profile.n")]))
        let h = Self.run(swap, attributes: ["a": 1, "b": 2, "n": 5])
        #expect(h.state.profile["a"] == 2)
        #expect(h.state.profile["b"] == 1)
        #expect(h.state.profile["n"] == 10)
    }

    @Test func incrementTreatsMissingAndNullAsZero() {
        let update = ProfileUpdate(increment: Self.assign([("visits", "1"), ("points", "2.5"), ("stats.logins", "3"), ("nothing", "4")]))
        let h = Self.run(update, attributes: ["points": 10, "stats": ["logins": 7], "nothing": nil])
        #expect(h.state.profile["visits"] == 1)
        #expect(h.state.profile["points"] == 12.5)
        #expect(h.state.profile["stats"] == ["logins": 10])
        #expect(h.state.profile["nothing"] == 4)
        #expect(h.actions[1].reason == nil)
    }

    @Test func incrementByANegativeOrComputedAmount() {
        let h = Self.run(ProfileUpdate(increment: Self.assign([("credit", "0 - event.cost")])), attributes: ["credit": 100], event: ["cost": 30])
        #expect(h.state.profile["credit"] == 70)
    }

    @Test func aNonNumberIncrementIsAnErrorOnTheRunNotACrash() {
        let update = ProfileUpdate(set: Self.assign([("touched", "true")]), increment: Self.assign([("score", "'ten'"), ("ok", "1")]))
        let h = Self.run(update, attributes: ["score": 3])
        #expect(h.log == [
            "+0 j#1 enter upd",
            "+0 j#1 update upd why=error: increment of `score` is not a number",
            "+0 j#1 send after ch=email tpl=after",
            "+0 j#1 exit after why=completed",
        ])
        #expect(h.state.profile["score"] == 3)
        #expect(h.state.profile["ok"] == 1)
        #expect(h.state.profile["touched"] == true)
    }

    @Test func incrementingAnAttributeThatIsNotANumberIsAnError() {
        let update = ProfileUpdate(increment: Self.assign([("name", "1"), ("missing_amount", "profile.nope")]))
        let h = Self.run(update, attributes: ["name": "Ann"])
        let reason = h.actions[1].reason
        #expect(reason?.hasPrefix("error: ") == true)
        #expect(reason == "error: `name` is not a number, cannot increment it; increment of `missing_amount` is not a number")
        #expect(h.state.profile["name"] == "Ann")
        #expect(h.state.profile["missing_amount"] == .null)
    }

    /// Infinity is no JSON number: a sum that overflows is a bad increment, and the value stays.
    @Test func anIncrementThatOverflowsIsAnErrorAndLeavesTheValue() {
        let h = Self.run(ProfileUpdate(increment: Self.assign([("big", "profile.big"), ("ok", "1")])), attributes: ["big": 1.5e308])
        #expect(h.actions[1].reason == "error: increment of `big` overflows")
        #expect(h.state.profile["big"] == 1.5e308)
        #expect(h.state.profile["ok"] == 1)
    }

    @Test func unsetRemovesTopLevelAndNestedAttributes() {
        let update = ProfileUpdate(unset: [["coupon"], ["address", "city"], ["never", "there"]])
        let h = Self.run(update, attributes: ["coupon": "SAVE10", "address": ["city": "Paris", "zip": "75001"], "keep": 1])
        #expect(h.state.profile.attributes["coupon"] == nil)
        #expect(h.state.profile["address"] == ["zip": "75001"])
        #expect(h.state.profile["keep"] == 1)
        #expect(h.state.profile.attributes["never"] == nil)
    }

    @Test func tagsAreAddedOnceAndRemoved() {
        let update = ProfileUpdate(addTags: ["vip", "beta", "vip"], removeTags: ["old"])
        let h = Self.run(update, attributes: ["tags": ["old", "beta", "fr"]])
        #expect(h.state.profile["tags"] == ["beta", "fr", "vip"])
        let fresh = Self.run(ProfileUpdate(addTags: ["vip"]))
        #expect(fresh.state.profile["tags"] == ["vip"])
    }

    @Test func tagsThatAreNotStringsAreKept() {
        let h = Self.run(ProfileUpdate(addTags: ["new"], removeTags: ["old"]), attributes: ["tags": [1, "old", true]])
        #expect(h.state.profile["tags"] == [1, true, "new"])
    }

    @Test func anUpdateThatAddsAndRemovesTheSameTagRemovesIt() {
        let h = Self.run(ProfileUpdate(addTags: ["x"], removeTags: ["x"]), attributes: ["tags": ["y"]])
        #expect(h.state.profile["tags"] == ["y"])
    }

    @Test func laterStepsAndSendsSeeTheUpdatedProfile() {
        let h = Self.run(ProfileUpdate(set: Self.assign([("coupon", "'SAVE10'")])))
        #expect(h.deliveries.first?.profile[path: ["coupon"]] == "SAVE10")
    }
}
