import Foundation
import JourneyModel
import JourneyRuntime
import Testing
import WaymarkCluster

/// The schedule planner as a value: which cron ticks a shard owner fires, from the deployed
/// versions and the marks, on an injected "now".
struct SchedulePlanTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func version(
        _ id: String = "daily", cron: String = "0 9 * * *", zone: String = "Europe/Berlin", number: Int = 1, deployedAt: String,
        active: Bool = true
    ) -> StoredJourneyVersion {
        let definition = JourneyDefinition(
            id: id, timezone: zone,
            entry: Entry(trigger: .schedule(cron: try! CronSchedule.parse(cron), audience: nil)),
            exits: [], goal: nil, limits: Limits(),
            steps: [Step(id: "hello", action: .send(Send(channel: .single("email"), template: "hello")), next: nil)])
        return StoredJourneyVersion(journeyID: id, version: number, definition: definition, contentHash: "\(number)", deployedAt: at(deployedAt), active: active)
    }

    @Test func ticksFollowTheJourneysZoneAcrossSpringForward() {
        var plan = SchedulePlan(catchUp: .seconds(2 * 86_400))
        plan.update(versions: [Self.version(deployedAt: "2026-03-27T12:00:00Z")])
        // 09:00 in Berlin is 08:00 UTC on Saturday (CET) and 07:00 UTC on Sunday (CEST).
        let round = plan.due(now: Self.at("2026-03-29T07:00:00Z"))
        #expect(round.ticks.map(\.at) == [Self.at("2026-03-28T08:00:00Z"), Self.at("2026-03-29T07:00:00Z")])
        #expect(plan.nextTick() == Self.at("2026-03-28T08:00:00Z"))
        for tick in round.ticks { plan.fired(tick) }
        #expect(plan.due(now: Self.at("2026-03-29T07:00:00Z")).ticks.isEmpty, "a fired tick is not due again")
        #expect(plan.nextTick() == Self.at("2026-03-30T07:00:00Z"))
    }

    @Test func aNewOwnerFiresOnlyTheTicksAfterTheRecordedMark() {
        var plan = SchedulePlan(marks: ["daily": Self.at("2026-03-28T08:00:00Z")])
        plan.update(versions: [Self.version(deployedAt: "2026-03-20T12:00:00Z")])
        #expect(plan.due(now: Self.at("2026-03-29T07:30:00Z")).ticks == [ScheduleTickMarker(journeyID: "daily", at: Self.at("2026-03-29T07:00:00Z"))])
    }

    @Test func noTickBeforeTheJourneyBecameActiveAndNoneForAnUndeployedJourney() {
        var plan = SchedulePlan()
        plan.update(versions: [Self.version(deployedAt: "2026-03-28T08:30:00Z")])
        #expect(plan.due(now: Self.at("2026-03-28T12:00:00Z")).ticks.isEmpty, "deployed after the day's tick")
        // Undeployed, then redeployed as version 2: the ticks in between are not owed.
        plan = SchedulePlan(marks: ["daily": Self.at("2026-03-10T08:00:00Z")], catchUp: .seconds(86_400 * 30))
        plan.update(versions: [
            Self.version(deployedAt: "2026-03-01T00:00:00Z", active: false), Self.version(number: 2, deployedAt: "2026-03-28T08:30:00Z"),
        ])
        #expect(plan.due(now: Self.at("2026-03-28T12:00:00Z")).ticks.isEmpty)
        plan.update(versions: [Self.version(deployedAt: "2026-03-01T00:00:00Z", active: false)])
        #expect(plan.journeys.isEmpty)
    }

    @Test func aChangedVersionContinuesTheScheduleOfTheOneBefore() {
        var plan = SchedulePlan(marks: ["daily": Self.at("2026-03-27T08:00:00Z")])
        plan.update(versions: [Self.version(deployedAt: "2026-03-01T00:00:00Z"), Self.version(number: 2, deployedAt: "2026-03-28T08:00:30Z")])
        // The 08:00 tick was due before version 2 arrived (its owner was late): it still fires.
        #expect(plan.due(now: Self.at("2026-03-28T08:01:00Z")).ticks.map(\.at) == [Self.at("2026-03-28T08:00:00Z")])
    }

    @Test func ticksOlderThanTheCatchUpWindowAreSkipped() {
        var plan = SchedulePlan(marks: ["hourly": Self.at("2026-03-20T00:00:00Z")], catchUp: .seconds(3 * 3600))
        plan.update(versions: [Self.version("hourly", cron: "0 * * * *", zone: "UTC", deployedAt: "2026-03-01T00:00:00Z")])
        let now = Self.at("2026-03-28T12:30:00Z")
        let round = plan.due(now: now)
        #expect(round.skipped == ["hourly": Self.at("2026-03-28T09:30:00Z")])
        #expect(round.ticks.map(\.at) == ["10", "11", "12"].map { Self.at("2026-03-28T\($0):00:00Z") })
        plan.skip("hourly", until: Self.at("2026-03-28T09:30:00Z"))
        #expect(plan.due(now: now).skipped.isEmpty, "skipped once, not reported again")
    }

    @Test func aMarkerSurvivesTheInboxAndCustomersInputsAreNotMarkers() throws {
        let marker = ScheduleTickMarker(journeyID: "daily", at: Self.at("2026-03-28T08:00:00Z"))
        let decoded = try JSONDecoder().decode(InboxInput.self, from: JSONEncoder().encode(marker.inboxInput))
        #expect(ScheduleTickMarker(decoded) == marker)
        let event = InboxInput(payload: .event(CustomerEvent(customerID: "c1", name: "waymark.schedule_tick", time: marker.at)), acceptedAt: marker.at)
        #expect(ScheduleTickMarker(event) == nil)
    }
}
