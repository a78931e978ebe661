import JourneyModel

/// The deployed journeys: every version still needed by a run, and which
/// version new entries use. Runs in flight finish on the version they started
/// on; an undeployed journey takes no new entries but lets its runs finish.
///
/// Every interpreter pass holds a copy, so the tables live in one immutable box:
/// a copy is one retain. Deploys, which are rare, build a new box.
public struct JourneyCatalog: Sendable {
    private final class Tables: Sendable {
        let versions: [String: [Int: DeployedJourney]]
        let active: [String: Int]
        /// The active version of each journey, found with one lookup.
        let activeByID: [String: DeployedJourney]
        let activeJourneys: [DeployedJourney]
        let activeIDs: [String]
        let activeSegmentJourneys: [DeployedJourney]
        let segmentEntriesRiseWithTime: Bool

        init(versions: [String: [Int: DeployedJourney]], active: [String: Int]) {
            self.versions = versions
            self.active = active
            let activeByID = active.reduce(into: [String: DeployedJourney]()) { byID, entry in byID[entry.key] = versions[entry.key]?[entry.value] }
            self.activeByID = activeByID
            activeJourneys = active.keys.sorted().compactMap { activeByID[$0] }
            activeIDs = activeJourneys.map(\.id)
            activeSegmentJourneys = activeJourneys.filter(\.isSegmentEntry)
            segmentEntriesRiseWithTime = activeSegmentJourneys.allSatisfy(\.hasRisingSegment)
        }
    }

    private var tables: Tables

    /// Journey id → the version new entries use. Absent when undeployed.
    public var active: [String: Int] { tables.active }
    /// Active journeys sorted by id: the order in which an input visits journeys.
    public var activeJourneys: [DeployedJourney] { tables.activeJourneys }
    /// The ids of ``activeJourneys``, in the same order.
    public var activeIDs: [String] { tables.activeIDs }
    /// The active journeys with a segment entry, in id order.
    public var activeSegmentJourneys: [DeployedJourney] { tables.activeSegmentJourneys }
    /// Whether every active segment condition only ever turns true as time passes, so the
    /// first recheck at which any of them lets a customer in can be found by bisection.
    public var segmentEntriesRiseWithTime: Bool { tables.segmentEntriesRiseWithTime }

    public init(_ journeys: [DeployedJourney] = []) {
        var versions: [String: [Int: DeployedJourney]] = [:]
        var active: [String: Int] = [:]
        for journey in journeys {
            versions[journey.id, default: [:]][journey.version] = journey
            active[journey.id] = journey.version
        }
        tables = Tables(versions: versions, active: active)
    }

    /// Makes `journey` the version new entries use; earlier versions stay for their runs.
    public mutating func deploy(_ journey: DeployedJourney) {
        var versions = tables.versions
        var active = tables.active
        versions[journey.id, default: [:]][journey.version] = journey
        active[journey.id] = journey.version
        tables = Tables(versions: versions, active: active)
    }

    /// Stops new entries into the journey; its versions stay so runs can finish.
    public mutating func undeploy(_ journeyID: String) {
        var active = tables.active
        active.removeValue(forKey: journeyID)
        tables = Tables(versions: tables.versions, active: active)
    }

    public func journey(_ id: String, version: Int) -> DeployedJourney? {
        tables.versions[id]?[version]
    }

    public func activeVersion(of id: String) -> DeployedJourney? {
        tables.activeByID[id]
    }

    /// Every version of every journey, for reports.
    public var allVersions: [DeployedJourney] {
        let versions = tables.versions
        return versions.keys.sorted().flatMap { id in versions[id]!.keys.sorted().map { versions[id]![$0]! } }
    }
}
