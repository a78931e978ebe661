import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("Profile traits computed from events, and identify calls")
struct ProfileTraitTests {
    static func traits(_ events: [(String, TimeInterval, [String: JSONValue])], attributes: [String: JSONValue] = [:]) -> Profile {
        var state = CustomerState(customerID: "c1", profile: Profile(attributes: attributes))
        let interpreter = Interpreter(catalog: JourneyCatalog())
        for (name, offset, properties) in events {
            let time = Fixture.monday9.addingTimeInterval(offset)
            _ = state.handle(.event(customerEvent(name, at: time, properties)), at: time, using: interpreter)
        }
        return state.profile
    }

    @Test func firstAndLastSeenFollowEventTimesEvenOutOfOrder() {
        let profile = Self.traits([("visit", hours(5), [:]), ("visit", hours(1), [:]), ("visit", hours(3), [:])])
        #expect(profile["first_seen_at"] == "2024-03-04T10:00:00Z")
        #expect(profile["last_seen_at"] == "2024-03-04T14:00:00Z")
    }

    @Test func theAcquisitionChannelIsTheChannelOfTheFirstRecordedEvent() {
        let profile = Self.traits([("visit", 0, ["channel": "wechat"]), ("visit", hours(1), ["channel": "sms"])])
        #expect(profile["acquisition_channel"] == "wechat")
    }

    @Test func aFirstEventWithoutAChannelLeavesNoAcquisitionChannel() {
        let profile = Self.traits([("visit", 0, [:]), ("visit", hours(1), ["channel": "wechat"])])
        #expect(profile["acquisition_channel"] == .null)
    }

    @Test func eventCountsAndLastTimesPerName() {
        let profile = Self.traits([("visit", 0, [:]), ("visit", hours(2), [:]), ("add_to_cart", hours(1), [:])])
        #expect(profile["events"] == [
            "visit": ["count": 2, "last_at": "2024-03-04T11:00:00Z"],
            "add_to_cart": ["count": 1, "last_at": "2024-03-04T10:00:00Z"],
        ])
    }

    /// Imported profiles can hold anything under the reserved keys: a value of the wrong
    /// type is replaced as if it were absent, and an `events` value of any kind means the
    /// customer's first event was recorded before (no acquisition channel is set).
    @Test func reservedKeysOfTheWrongTypeAreReplaced() {
        let profile = Self.traits(
            [("purchase", hours(1), ["value": 20, "channel": "app"])],
            attributes: ["first_seen_at": 5, "last_seen_at": true, "events": "lots", "purchase_count": "many", "total_spent": .null])
        #expect(profile["first_seen_at"] == "2024-03-04T10:00:00Z")
        #expect(profile["last_seen_at"] == "2024-03-04T10:00:00Z")
        #expect(profile["events"] == ["purchase": ["count": 1, "last_at": "2024-03-04T10:00:00Z"]])
        #expect(profile["purchase_count"] == 1)
        #expect(profile["total_spent"] == 20)
        #expect(profile["acquisition_channel"] == .null)
        let counters = Self.traits([("visit", 0, [:])], attributes: ["events": ["visit": "x", "other": ["count": 4]]])
        #expect(counters["events"] == ["visit": ["count": 1, "last_at": "2024-03-04T09:00:00Z"], "other": ["count": 4]])
    }

    @Test func purchasesCountAndAddUpValueOrRevenue() {
        let profile = Self.traits([
            ("purchase", 0, ["value": 30]),
            ("purchase", hours(1), ["revenue": 12.5]),
            ("purchase", hours(2), [:]),
            ("purchase", hours(3), ["value": "free"]),
            ("refund", hours(4), ["value": 99]),
        ])
        #expect(profile["purchase_count"] == 4)
        #expect(profile["total_spent"] == 42.5)
    }

    @Test func noPurchaseMeansNoPurchaseTraits() {
        let profile = Self.traits([("visit", 0, ["value": 5])])
        #expect(profile.attributes["purchase_count"] == nil)
        #expect(profile.attributes["total_spent"] == nil)
    }

    @Test func traitsAreVisibleToTheEntryConditionOfTheSameEvent() {
        let second = journey(entry: .event(name: "purchase", condition: expr("profile.purchase_count == 2 and profile.total_spent >= 50")),
                             steps: [step("thanks", .email("loyal"))])
        var h = Harness(second)
        h.event("purchase", at: 0, ["value": 20])
        h.event("purchase", at: hours(1), ["value": 30])
        #expect(h.log.first == "+1h j#1 enter thanks")
    }

    @Test func anIdentifyCallSetsRemovesAndMergesConsent() {
        var h = Harness([], attributes: ["plan": "free", "old": 1, "consent": ["sms": true]])
        h.apply(.profile(ProfileChange(customerID: "c1", attributes: ["plan": "pro", "old": nil],
                                       identities: ["email": "a@example.com"], consent: ["email": false])), at: 0)
        #expect(h.state.profile.attributes == [
            "plan": "pro",
            "email": "a@example.com",
            "consent": ["sms": true, "email": false],
        ])
    }

    @Test func anAcquisitionChannelAlreadyOnTheProfileIsKept() {
        let profile = Self.traits([("visit", 0, ["channel": "sms"])], attributes: ["acquisition_channel": "store"])
        #expect(profile["acquisition_channel"] == "store")
    }

    @Test func eventTimesAreRecordedToTheWholeSecond() {
        let profile = Self.traits([("visit", seconds(1.75), [:])])
        #expect(profile["last_seen_at"] == "2024-03-04T09:00:01Z")
        #expect(profile["events"] == ["visit": ["count": 1, "last_at": "2024-03-04T09:00:01Z"]])
    }

    @Test func traitsAreKeptWhenAnIdentifyCallChangesOtherAttributes() {
        var h = Harness([])
        h.event("purchase", at: 0, ["value": 10])
        h.profile(["name": "Ann"], at: hours(1))
        #expect(h.state.profile["purchase_count"] == 1)
        #expect(h.state.profile["name"] == "Ann")
        #expect(h.state.profile["first_seen_at"] == "2024-03-04T09:00:00Z")
    }

    @Test func aLateEventCountsButDoesNotMoveLastAtBack() {
        let profile = Self.traits([("purchase", hours(5), [:]), ("purchase", hours(1), [:])])
        #expect(profile["events"] == ["purchase": ["count": 2, "last_at": "2024-03-04T14:00:00Z"]])
        #expect(profile["last_seen_at"] == "2024-03-04T14:00:00Z")
    }
}
