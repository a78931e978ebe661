import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("send: channel selection and reachability")
struct SendChannelTests {
    static let rules = ChannelRules(rules: [
        "email": .init(addressField: "email", consentFlag: "email"),
        "sms": .init(addressField: "phone", consentFlag: "sms"),
        "push": .init(addressField: "devices.push_token", consentFlag: nil),
        "in_app": .init(addressField: nil, consentFlag: nil),
    ])

    static func sendLines(_ channel: ChannelSelection, attributes: [String: JSONValue], rules: ChannelRules = rules,
                          firstEvent: [String: JSONValue] = [:]) -> [String] {
        let definition = journey(steps: [step("msg", .sendOn(channel, "note")), step("after", .setting("after", to: "true"))])
        var h = Harness(definition, attributes: attributes, channels: rules)
        h.event("signup", at: 0, firstEvent)
        return Array(h.log.dropFirst())
    }

    static func chosen(_ channel: ChannelSelection, attributes: [String: JSONValue], rules: ChannelRules = rules,
                       firstEvent: [String: JSONValue] = [:]) -> String? {
        sendLines(channel, attributes: attributes, rules: rules, firstEvent: firstEvent).first.map { line in
            line.contains(" send ") ? String(line.split(separator: " ")[4].dropFirst(3)) : "suppressed"
        }
    }

    @Test func aSingleChannelSendsAndTheRunGoesOn() {
        #expect(Self.sendLines(.single("email"), attributes: ["email": "a@example.com"]) == [
            "+0 j#1 send msg ch=email tpl=note",
            "+0 j#1 update after",
            "+0 j#1 exit after why=completed",
        ])
    }

    @Test func theOutboxMessageCarriesEverythingNeededToDeliverIt() {
        let send = Send(channel: .single("sms"), template: "note", message: "Hi {{profile.name}}", data: ["code": "SAVE10"])
        var h = Harness(journey(steps: [step("msg", .send(send))]), customer: "cust_7", attributes: ["phone": "+8613800000000"], channels: Self.rules)
        h.event("signup", at: minutes(3), ["sku": "X1"])
        let message = h.deliveries.first
        #expect(h.deliveries.count == 1)
        #expect(message?.idempotencyKey == "j/1/msg/1/cust_7")
        #expect(message?.kind == .send)
        #expect(message?.channel == "sms")
        #expect(message?.template == "note")
        #expect(message?.message == "Hi {{profile.name}}")
        #expect(message?.data == ["code": "SAVE10"])
        #expect(message?.stepID == "msg")
        #expect(message?.visit == 1)
        #expect(message?.run == 1)
        #expect(message?.version == 1)
        #expect(message?.time == Fixture.monday9.addingTimeInterval(minutes(3)))
        #expect(message?.profile[path: ["phone"]] == "+8613800000000")
        #expect(message?.event?.properties == ["sku": "X1"])
    }

    /// `emitsDeliveries: false` (`waymark simulate`): the same decisions, actions and timers,
    /// only no outbox message for sends and webhooks.
    @Test func withoutDeliveriesEveryOtherEffectIsTheSame() {
        let capped = Limits(frequencyCap: FrequencyCap(max: 1, per: duration("1d")))
        let definition = journey(limits: capped, steps: [
            step("first", .send(Send(channel: .chain(["sms", "email"]), template: "note"))),
            step("second", .send(Send(channel: .single("email"), template: "note"))),
            step("hook", .webhook(Webhook(url: "https://crm.example.com/leads", body: .template("lead_body")))),
            step("pause", .wait(duration("1h"))),
        ])
        func effects(emitting: Bool) -> [Effect] {
            var h = Harness(definition, attributes: ["email": "a@example.com"], channels: Self.rules)
            h.interpreter.emitsDeliveries = emitting
            h.event("signup", at: 0)
            h.event("signup", at: hours(2))
            return h.effects
        }
        let full = effects(emitting: true)
        let lean = effects(emitting: false)
        #expect(full.filter { if case .deliver = $0 { true } else { false } }.count == 3)
        #expect(lean == full.filter { if case .deliver = $0 { false } else { true } })
        // The frequency cap still counts the send that went out.
        #expect(lean.contains { if case .action(let action) = $0 { action.action == .suppressed && action.reason == "frequency_cap" } else { false } })
    }

    @Test func aChainTakesTheFirstReachableChannel() {
        let chain = ChannelSelection.chain(["push", "sms", "email"])
        #expect(Self.chosen(chain, attributes: ["phone": "1", "email": "a@b"]) == "sms")
        #expect(Self.chosen(chain, attributes: ["email": "a@b"]) == "email")
        #expect(Self.chosen(chain, attributes: ["devices": ["push_token": "tok"], "email": "a@b"]) == "push")
    }

    @Test func noReachableChannelIsSuppressedAsUnreachableAndTheRunGoesOn() {
        #expect(Self.sendLines(.chain(["push", "sms"]), attributes: ["email": "a@b"]) == [
            "+0 j#1 suppressed msg tpl=note why=no_reachable_channel",
            "+0 j#1 update after",
            "+0 j#1 exit after why=completed",
        ])
        #expect(Self.chosen(.single("email"), attributes: [:]) == "suppressed")
    }

    @Test func theAddressFieldMustBePresentAndNotEmpty() {
        #expect(Self.chosen(.single("email"), attributes: ["email": ""]) == "suppressed")
        #expect(Self.chosen(.single("email"), attributes: ["email": nil]) == "suppressed")
        #expect(Self.chosen(.single("push"), attributes: ["push_token": "tok"]) == "suppressed", "a dotted address field is a path")
        #expect(Self.chosen(.single("in_app"), attributes: [:]) == "in_app", "a rule without an address field needs none")
    }

    @Test func consentFalseMakesAChannelUnreachableButMissingOrTrueConsentDoesNot() {
        #expect(Self.chosen(.chain(["email", "sms"]), attributes: ["email": "a@b", "phone": "1", "consent": ["email": false]]) == "sms")
        #expect(Self.chosen(.single("email"), attributes: ["email": "a@b", "consent": ["email": true]]) == "email")
        #expect(Self.chosen(.single("email"), attributes: ["email": "a@b", "consent": ["sms": false]]) == "email")
    }

    @Test func consentGivenByAnIdentifyCallCounts() {
        var h = Harness(journey(steps: [step("msg", .sendOn(.single("email"), "note"))]), attributes: ["email": "a@b"], channels: Self.rules)
        h.profile([:], consent: ["email": false], at: 0)
        h.event("signup", at: minutes(1))
        #expect(h.log[1] == "+1m j#1 suppressed msg tpl=note why=no_reachable_channel")
    }

    @Test func unlistedChannelsFollowAllowUnlistedAndNoRulesMeansEverythingIsReachable() {
        var strict = Self.rules
        strict.allowUnlisted = false
        var lenient = Self.rules
        lenient.allowUnlisted = true
        #expect(Self.chosen(.single("wechat"), attributes: [:], rules: strict) == "suppressed")
        #expect(Self.chosen(.single("wechat"), attributes: [:], rules: lenient) == "wechat")
        #expect(Self.chosen(.single("email"), attributes: [:], rules: .everyChannel) == "email")
        #expect(Self.chosen(.single("email"), attributes: [:], rules: ChannelRules()) == "email")
    }

    @Test func preferredUsesThePreferredChannelFirst() {
        let attributes: [String: JSONValue] = ["preferred_channel": "sms", "phone": "1", "email": "a@b"]
        #expect(Self.chosen(.preferred(fallback: ["email"]), attributes: attributes, firstEvent: ["channel": "push"]) == "sms")
    }

    @Test func preferredFallsBackToTheAcquisitionChannelOfTheFirstEventWithAChannel() {
        // The preferred channel is unreachable (no phone); the first event came in through in_app.
        let attributes: [String: JSONValue] = ["preferred_channel": "sms", "email": "a@b"]
        #expect(Self.chosen(.preferred(fallback: ["email"]), attributes: attributes, firstEvent: ["channel": "in_app"]) == "in_app")
        #expect(Self.chosen(.preferred(fallback: ["email"]), attributes: ["email": "a@b"], firstEvent: ["channel": "in_app"]) == "in_app")
    }

    /// An empty `preferred_channel` (a blank CRM field) names no channel, like a missing one.
    @Test func anEmptyPreferredChannelFallsThroughToTheAcquisitionChannel() {
        #expect(Self.chosen(.preferred(fallback: ["email"]), attributes: ["preferred_channel": ""], firstEvent: ["channel": "in_app"]) == "in_app")
        #expect(Self.chosen(.preferred(fallback: ["email"]), attributes: ["preferred_channel": ""], rules: .everyChannel) == "email")
    }

    @Test func preferredThenTriesTheFallbackChainInOrder() {
        let preferred = ChannelSelection.preferred(fallback: ["push", "sms", "email"])
        #expect(Self.chosen(preferred, attributes: ["preferred_channel": "wechat", "phone": "1", "email": "a@b"], firstEvent: ["channel": "call"]) == "sms")
        #expect(Self.chosen(preferred, attributes: ["email": "a@b"]) == "email")
        #expect(Self.chosen(preferred, attributes: [:]) == "suppressed")
    }

    @Test func anUnreachableSendIsNotAttributedAGoal() {
        let definition = journey(goal: Goal(event: "purchase"), steps: [
            step("first", .email("first")),
            step("second", .sendOn(.single("sms"), "second")),
            step("nap", .pause("1d")),
        ])
        var h = Harness(definition, attributes: ["email": "a@b"], channels: Self.rules)
        h.event("signup", at: 0)
        h.event("purchase", at: hours(1))
        #expect(h.log == [
            "+0 j#1 enter first",
            "+0 j#1 send first ch=email tpl=first",
            "+0 j#1 suppressed second tpl=second why=no_reachable_channel",
            "+1h j#1 goal first ch=email tpl=first",
            "+1h j#1 exit nap why=goal",
        ])
    }
}
