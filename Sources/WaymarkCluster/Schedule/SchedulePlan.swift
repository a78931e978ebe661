import Foundation
import JourneyModel
import JourneyRuntime

/// Which schedule ticks a shard owner must fire, as a value: the schedule-entry
/// journeys deployed, the last tick fired for each (the marks, kept in
/// PostgreSQL and fenced by the owner's epoch), and the clock reading it is
/// asked about. No I/O, so takeovers and catch-up are tested as plain values.
///
/// Rules:
/// - The next tick of a journey is the first cron instant (in the journey's zone,
///   daylight saving as in single-node mode) after its mark, and never one before
///   the journey became active: a journey (re)deployed at 09:30 does not get the
///   09:00 tick, and a redeploy after an undeploy does not get the ticks it missed.
/// - Every tick due since the mark fires, oldest first, at most ``perRound`` per
///   journey per round, so a new owner fires the ticks its predecessor left.
/// - Ticks older than `catchUp` before now are skipped (and reported), so a cluster
///   back from a long outage does not send a week of daily campaigns at once.
public struct SchedulePlan: Sendable, Equatable {
    /// A schedule-entry journey as the plan sees it.
    public struct Journey: Sendable, Equatable {
        public var id: String
        public var cron: CronSchedule
        public var timeZone: TimeZone
        /// When the journey's current uninterrupted deployment began: no tick before it fires.
        public var activeSince: Date

        public init(id: String, cron: CronSchedule, timeZone: TimeZone, activeSince: Date) {
            self.id = id
            self.cron = cron
            self.timeZone = timeZone
            self.activeSince = activeSince
        }
    }

    /// What a round decided.
    public struct Round: Sendable, Equatable {
        /// Ticks to fire, oldest first.
        public var ticks: [ScheduleTickMarker] = []
        /// Journeys whose ticks older than the catch-up window are skipped, with the window's start.
        public var skipped: [String: Date] = [:]
    }

    public static let perRound = 60

    public private(set) var journeys: [Journey] = []
    /// The last tick fired per journey id.
    public private(set) var marks: [String: Date]
    public var catchUp: Duration

    public init(marks: [String: Date] = [:], catchUp: Duration = .seconds(3600)) {
        self.marks = marks
        self.catchUp = catchUp
    }

    /// Replaces the journeys from the shard's stored versions (after a deploy or undeploy).
    public mutating func update(versions: [StoredJourneyVersion]) {
        journeys = Self.journeys(from: versions)
    }

    /// Records a fired tick (appended by this owner, or found in the inbox).
    public mutating func fired(_ tick: ScheduleTickMarker) {
        marks[tick.journeyID] = max(marks[tick.journeyID] ?? tick.at, tick.at)
    }

    /// Moves a journey's mark (in memory only) to the start of the catch-up window after its older ticks were skipped.
    public mutating func skip(_ journeyID: String, until horizon: Date) {
        marks[journeyID] = max(marks[journeyID] ?? horizon, horizon)
    }

    /// The ticks due at `now`. It does not move the marks: ``fired(_:)`` does, once a tick is in the inbox.
    public func due(now: Date) -> Round {
        var round = Round()
        let horizon = now.addingTimeInterval(-catchUp.seconds)
        for journey in journeys {
            var base = max(marks[journey.id] ?? journey.activeSince, journey.activeSince)
            if base < horizon, let first = journey.cron.nextFire(after: base, in: journey.timeZone), first < horizon {
                base = horizon
                round.skipped[journey.id] = horizon
            }
            var count = 0
            while count < Self.perRound, let next = journey.cron.nextFire(after: base, in: journey.timeZone), next <= now {
                round.ticks.append(ScheduleTickMarker(journeyID: journey.id, at: next))
                base = next
                count += 1
            }
        }
        round.ticks.sort { ($0.at, $0.journeyID) < ($1.at, $1.journeyID) }
        return round
    }

    /// The earliest tick not yet due, so the runner does not sleep past it.
    public func nextTick() -> Date? {
        journeys.compactMap { journey in
            journey.cron.nextFire(after: max(marks[journey.id] ?? journey.activeSince, journey.activeSince), in: journey.timeZone)
        }.min()
    }

    /// The schedule-entry journeys whose latest version is active. A journey is active since
    /// the first version of its current stretch: a changed journey's new version continues
    /// the stretch (its older version stayed active), an undeploy ends it.
    static func journeys(from versions: [StoredJourneyVersion]) -> [Journey] {
        let byJourney = Dictionary(grouping: versions, by: \.journeyID)
        return byJourney.keys.sorted().compactMap { id in
            let ordered = byJourney[id]!.sorted { $0.version < $1.version }
            guard let latest = ordered.last, latest.active, case .schedule(let cron, _) = latest.definition.entry.trigger else { return nil }
            var since = latest.deployedAt
            for version in ordered.dropLast().reversed() {
                guard version.active else { break }
                since = min(since, version.deployedAt)
            }
            let zone = DeployedJourney(definition: latest.definition, version: latest.version).timeZone
            return Journey(id: id, cron: cron, timeZone: zone, activeSince: since)
        }
    }
}
