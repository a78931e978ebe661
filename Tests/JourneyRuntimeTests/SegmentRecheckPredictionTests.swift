import Foundation
import JourneyModel
import JourneyRuntime
import Testing

@Suite("Entry: segment rechecks skip the instants at which nobody can enter")
struct SegmentRecheckPredictionTests {
    static func segment(
        _ condition: String, id: String = "seg", recheck: String = "1d", reentry: ReentryPolicy = .afterExit,
        steps: [Step] = [step("hello", .email("hello"))]
    ) -> JourneyDefinition {
        SegmentEntryTests.segment(condition, id: id, recheck: recheck, reentry: reentry, steps: steps)
    }

    @Test func anEventBeforeThePredictedRecheckMovesItLater() {
        var h = Harness(Self.segment("days_since(profile.last_seen_at) > 30"))
        h.event("visit", at: 0)
        #expect(h.pendingTimers == [days(31)])
        h.event("visit", at: days(10) + hours(3))
        // The grid stays where the first input put it: whole days from the start.
        #expect(h.pendingTimers == [days(41)])
        h.advance(to: days(40))
        #expect(h.log.isEmpty)
        h.advance(to: days(41))
        #expect(h.log.first == "+41d seg#1 enter hello")
    }

    @Test func aConditionThatNeverHoldsParksTheRecheckAtTheEndOfTheSearch() {
        var h = Harness(Self.segment("profile.plan == 'pro'"))
        h.profile(["plan": "free"], at: 0)
        #expect(h.pendingTimers == [days(4_096)])
        // The change is checked when it happens, and the recheck comes back to the grid.
        h.profile(["plan": "pro"], at: days(5) + hours(1))
        #expect(h.log.first == "+5d1h seg#1 enter hello")
        #expect(h.pendingTimers == [days(6)])
    }

    @Test func aCooldownMovesTheRecheckToTheFirstPointAfterItEnds() {
        var h = Harness(Self.segment("profile.plan == 'pro'", reentry: .cooldown(duration("3d"))))
        h.profile(["plan": "pro"], at: 0)
        #expect(h.log.first == "+0 seg#1 enter hello")
        #expect(h.pendingTimers == [days(3)])
        h.advance(to: days(3))
        #expect(h.log.filter { $0.contains("enter") } == ["+0 seg#1 enter hello", "+3d seg#2 enter hello"])
        #expect(h.pendingTimers == [days(6)])
    }

    @Test func aRunInProgressParksTheRecheckUntilTheRunEnds() {
        var h = Harness(Self.segment("profile.plan == 'pro'", steps: [step("nap", .pause("3d")), step("hello", .email("hello"))]))
        h.profile(["plan": "pro"], at: 0)
        #expect(h.pendingTimers == [days(3), days(4_096)])
        h.advance(to: days(3))
        #expect(h.log.filter { $0.contains("enter") } == ["+0 seg#1 enter nap", "+3d seg#2 enter nap"])
    }

    @Test func aConditionThatMayTurnFalseAgainKeepsEveryRecheck() {
        var h = Harness(Self.segment("days_since(profile.last_seen_at) < 7"))
        h.event("visit", at: 0)
        #expect(h.pendingTimers == [days(1)])
    }

    @Test func oneJourneyWhoseConditionMayTurnFalseKeepsEveryRecheckForAll() {
        var h = Harness([
            Self.segment("days_since(profile.last_seen_at) > 30", id: "lapsed"),
            Self.segment("days_since(profile.last_seen_at) < 7", id: "recent", recheck: "2d"),
        ])
        h.event("visit", at: 0)
        #expect(h.pendingTimers == [days(1), days(2)])
    }

    @Test func aRecheckArmedBeforeItsTimeWasKeptStaysWhereItIs() {
        var h = Harness(Self.segment("days_since(profile.last_seen_at) > 30"))
        h.interpreter.predictsSegmentRechecks = false
        h.event("visit", at: 0)
        h.state.segmentCheckTimes = [:]  // as a snapshot from an older version decodes
        h.interpreter.predictsSegmentRechecks = true
        h.event("visit", at: hours(5))
        #expect(h.pendingTimers == [days(1)])
        // Once it fires, the new recheck knows its time and moves.
        h.advance(to: days(1))
        #expect(h.pendingTimers == [days(31)])
    }

    /// Random customers through segment journeys of every reentry kind, with waits, timer-driven
    /// profile changes, schedule ticks, deploys and events at and between recheck instants:
    /// skipping rechecks must never change what happens, or when, or in which order.
    @Test(arguments: 0..<600)
    func predictionDecidesWhatEveryRecheckWouldHave(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let reentries: [ReentryPolicy] = [.afterExit, .once, .cooldown(duration("3d")), .cooldown(duration("36h"))]
        let rechecks = ["1d", "6h", "2d", "7h"]
        let journeys = [
            Self.segment(
                "days_since(profile.last_seen_at) > \(random.int(in: 1...9))", id: "lapsed", recheck: rechecks.randomElement(using: &random)!,
                reentry: reentries.randomElement(using: &random)!,
                steps: [step("nudge", .email("nudge")), step("nap", .pause("\(random.int(in: 1...4))d")), step("again", .email("again"))]),
            Self.segment(
                "profile.tier == 'gold' and hours_since(profile.first_seen_at) >= \(random.int(in: 1...200))", id: "gold",
                recheck: rechecks.randomElement(using: &random)!, reentry: reentries.randomElement(using: &random)!,
                steps: [step("thanks", .email("thanks"))]),
            Self.segment("profile.plan == 'pro'", id: "pro", recheck: "12h", reentry: reentries.randomElement(using: &random)!),
            journey("upgrade", entry: .event(name: "upgrade", condition: nil), steps: [step("wait", .pause("1d")), step("promote", .setting("tier", to: "'gold'"))]),
            journey("downgrade", entry: .event(name: "downgrade", condition: nil), steps: [step("demote", .setting("tier", to: "'silver'"))]),
            journey("campaign", entry: .schedule(cron: cron("0 10 * * 1"), audience: nil), steps: [step("sell", .setting("plan", to: "'pro'"))]),
        ]
        var inputs: [(TimeInterval, CustomerInput?)] = []
        var time: TimeInterval = 0
        inputs.append((0, .event(customerEvent("visit", at: Fixture.monday9))))
        for _ in 0..<random.int(in: 3...25) {
            // Sometimes exactly on a grid point of a whole-hour recheck, sometimes anywhere.
            time += random.bool() ? hours(Double(random.int(in: 1...200))) : Double(random.int(in: 1...900_000))
            let name = ["visit", "upgrade", "downgrade", "purchase", "profile", "tick", "deploy"].randomElement(using: &random)!
            if name == "tick" {
                inputs.append((time, .scheduleTick(journeyID: "campaign")))
            } else if name == "deploy" {
                inputs.append((time, .checkSegments))
            } else if name == "profile" {
                let plan: JSONValue = random.bool() ? "pro" : "free"
                inputs.append((time, .profile(ProfileChange(customerID: "c1", attributes: ["plan": plan]))))
            } else {
                inputs.append((time, nil))
                inputs[inputs.count - 1].1 = .event(customerEvent(name, at: Fixture.monday9.addingTimeInterval(time)))
            }
        }
        func run(predicting: Bool) -> [String] {
            var h = Harness(journeys)
            h.interpreter.predictsSegmentRechecks = predicting
            for (offset, input) in inputs { h.apply(input!, at: offset) }
            h.advance(to: time + days(30))
            return h.log
        }
        let reference = run(predicting: false)
        #expect(run(predicting: true) == reference)
        #expect(!reference.isEmpty)
    }
}

extension SplitMix64 {
    mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func bool() -> Bool { Bool.random(using: &self) }
}
