import JourneyModel

/// The deployed journeys: every version still needed by a run, and which
/// version new entries use. Runs in flight finish on the version they started
/// on; an undeployed journey takes no new entries but lets its runs finish.
public struct JourneyCatalog: Sendable {
    private var versions: [String: [Int: DeployedJourney]] = [:]
    /// Journey id → the version new entries use. Absent when undeployed.
    public private(set) var active: [String: Int] = [:]
    /// Active journeys sorted by id: the order in which an input visits journeys.
    public private(set) var activeJourneys: [DeployedJourney] = []
    /// The ids of ``activeJourneys``, in the same order.
    public private(set) var activeIDs: [String] = []
    /// The active journeys with a segment entry, in id order.
    public private(set) var activeSegmentJourneys: [DeployedJourney] = []
    /// Whether every active segment condition only ever turns true as time passes, so the
    /// first recheck at which any of them lets a customer in can be found by bisection.
    public private(set) var segmentEntriesRiseWithTime = true

    public init(_ journeys: [DeployedJourney] = []) {
        for journey in journeys { deploy(journey) }
    }

    /// Makes `journey` the version new entries use; earlier versions stay for their runs.
    public mutating func deploy(_ journey: DeployedJourney) {
        versions[journey.id, default: [:]][journey.version] = journey
        active[journey.id] = journey.version
        refresh()
    }

    /// Stops new entries into the journey; its versions stay so runs can finish.
    public mutating func undeploy(_ journeyID: String) {
        active.removeValue(forKey: journeyID)
        refresh()
    }

    public func journey(_ id: String, version: Int) -> DeployedJourney? {
        versions[id]?[version]
    }

    public func activeVersion(of id: String) -> DeployedJourney? {
        active[id].flatMap { versions[id]?[$0] }
    }

    /// Every version of every journey, for reports.
    public var allVersions: [DeployedJourney] {
        versions.keys.sorted().flatMap { id in versions[id]!.keys.sorted().map { versions[id]![$0]! } }
    }

    private mutating func refresh() {
        activeJourneys = active.keys.sorted().compactMap { activeVersion(of: $0) }
        activeIDs = activeJourneys.map(\.id)
        activeSegmentJourneys = activeJourneys.filter(\.isSegmentEntry)
        segmentEntriesRiseWithTime = activeSegmentJourneys.allSatisfy(\.hasRisingSegment)
    }
}
