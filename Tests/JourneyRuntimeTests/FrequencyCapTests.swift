import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("frequency cap: a rolling window per journey")
struct FrequencyCapTests {
    static func capped(_ cap: FrequencyCap, id: String = "j", entry: String = "signup", steps: [Step]) -> JourneyDefinition {
        journey(id, entry: .event(name: entry, condition: nil), limits: Limits(frequencyCap: cap), steps: steps)
    }

    @Test func overTheCapIsSuppressedAndASendExactlyPerAgoNoLongerCounts() {
        let definition = Self.capped(FrequencyCap(max: 2, per: duration("1d")), steps: [
            step("a", .email("a")), step("w1", .pause("1h")),
            step("b", .email("b")), step("w2", .pause("1h")),
            step("c", .email("c")), step("w3", .pause("22h")),
            step("d", .email("d")), step("w4", .pause("30m")),
            step("e", .email("e")), step("w5", .pause("30m")),
            step("f", .email("f")),
        ])
        var h = Harness(definition)
        h.event("signup", at: 0)
        h.advance(to: days(2))
        #expect(h.log == [
            "+0 j#1 enter a",
            "+0 j#1 send a ch=email tpl=a",
            "+1h j#1 send b ch=email tpl=b",
            "+2h j#1 suppressed c ch=email tpl=c why=frequency_cap",
            // a was sent exactly 1d ago: it no longer counts; the suppressed c never counted.
            "+1d j#1 send d ch=email tpl=d",
            // b (23h30m ago) and d are in the window.
            "+1d30m j#1 suppressed e ch=email tpl=e why=frequency_cap",
            // b is now exactly 1d old.
            "+1d1h j#1 send f ch=email tpl=f",
            "+1d1h j#1 exit f why=completed",
        ])
        #expect(h.deliveries.map(\.stepID) == ["a", "b", "d", "f"])
    }

    @Test func aCapWithChannelsOnlyCountsAndCapsThoseChannels() {
        let definition = Self.capped(FrequencyCap(max: 1, per: duration("1d"), channels: ["sms"]), steps: [
            step("s1", .sendOn(.single("sms"), "s1")),
            step("e1", .email("e1")),
            step("e2", .email("e2")),
            step("s2", .sendOn(.single("sms"), "s2")),
        ])
        var h = Harness(definition)
        h.event("signup", at: 0)
        #expect(h.log == [
            "+0 j#1 enter s1",
            "+0 j#1 send s1 ch=sms tpl=s1",
            "+0 j#1 send e1 ch=email tpl=e1",
            "+0 j#1 send e2 ch=email tpl=e2",
            "+0 j#1 suppressed s2 ch=sms tpl=s2 why=frequency_cap",
            "+0 j#1 exit s2 why=completed",
        ])
    }

    @Test func theCapCountsSendsOfEarlierRunsOfTheSameJourney() {
        let definition = Self.capped(FrequencyCap(max: 1, per: duration("1w")), steps: [step("hi", .email("hi"))])
        var h = Harness(definition)
        h.event("signup", at: 0)
        h.event("signup", at: days(3))
        h.event("signup", at: days(7))
        #expect(h.log.filter { !$0.contains(" enter ") && !$0.contains(" exit ") } == [
            "+0 j#1 send hi ch=email tpl=hi",
            "+3d j#2 suppressed hi ch=email tpl=hi why=frequency_cap",
            "+7d j#3 send hi ch=email tpl=hi",
        ])
    }

    @Test func sendsOfAnotherJourneyDoNotCount() {
        let one = Self.capped(FrequencyCap(max: 1, per: duration("1d")), id: "one", steps: [step("hi", .email("one"))])
        let two = Self.capped(FrequencyCap(max: 1, per: duration("1d")), id: "two", steps: [step("hi", .email("two"))])
        var h = Harness([one, two])
        h.event("signup", at: 0)
        #expect(h.log.filter { $0.contains(" send ") || $0.contains(" suppressed ") } == [
            "+0 one#1 send hi ch=email tpl=one",
            "+0 two#1 send hi ch=email tpl=two",
        ])
    }

    @Test func anUnreachableSendIsSuppressedAsUnreachableAndDoesNotCount() {
        let rules = ChannelRules(rules: ["sms": .init(addressField: "phone", consentFlag: nil)], allowUnlisted: true)
        let definition = Self.capped(FrequencyCap(max: 1, per: duration("1d")), steps: [
            step("s", .sendOn(.single("sms"), "s")),
            step("e", .email("e")),
            step("e2", .email("e2")),
        ])
        var h = Harness(definition, channels: rules)
        h.event("signup", at: 0)
        #expect(h.log.dropFirst().dropLast() == [
            "+0 j#1 suppressed s tpl=s why=no_reachable_channel",
            "+0 j#1 send e ch=email tpl=e",
            "+0 j#1 suppressed e2 ch=email tpl=e2 why=frequency_cap",
        ])
    }

    @Test func aSendHeldByQuietHoursIsCappedWhenItGoesOut() {
        let limits = Limits(frequencyCap: FrequencyCap(max: 1, per: duration("12h")), quietHours: QuietHours(from: clock("21:00"), to: clock("08:00")))
        var h = Harness(journey(limits: limits, steps: [
            step("now", .email("now")),
            step("nap", .pause("2h")),
            step("later", .email("later")),
        ]), start: Fixture.instant("2024-03-04T20:00:00Z"))
        h.event("signup", at: 0)
        h.advance(to: days(1))
        // 20:00 sent; 22:00 is quiet, so "later" goes out at 08:00, 12h after "now": no longer capped.
        #expect(h.utcLog.dropFirst().dropLast() == [
            "2024-03-04T20:00:00Z j#1 send now ch=email tpl=now",
            "2024-03-05T08:00:00Z j#1 send later ch=email tpl=later",
        ])
    }
}
