import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime

/// The cluster's journeys, as the nodes share them: one table of versions in
/// PostgreSQL (``PostgresCoordinator`` is the real one) that every node follows,
/// so a journey deployed through any node runs on every shard with the same
/// version number and the same deploy time.
///
/// A version is never edited except to undeploy it, and an undeployed version
/// never becomes active again (a redeploy is a new version): what a node holds is
/// a merge of everything it has read, so reading an older list never undoes a
/// newer change (see ``JourneyEngine/adopt(_:)``).
public protocol ClusterJourneyRegistry: Sendable {
    /// Records journeys the cluster does not know at all (by id) as their first version, and
    /// returns the ids recorded. Journeys the cluster knows, active or not, are left alone.
    func seedJourneys(_ seeds: [JourneySeed]) async throws -> [String]

    /// Deploys a journey: a new version when its content changed or it was undeployed, else unchanged.
    func deployJourney(_ definition: JourneyDefinition, source: String?) async throws -> DeployOutcome

    /// Stops new entries into a journey; false when no version of it is active.
    func undeployJourney(_ journeyID: String) async throws -> Bool

    /// A number that moves whenever a journey is deployed or undeployed: nodes poll it.
    func journeysGeneration() async throws -> Int64

    /// Every version of every journey, with the generation they were read at (or later).
    func journeyVersions() async throws -> (generation: Int64, versions: [StoredJourneyVersion])
}

/// A journey from a node's journeys folder, offered to the cluster when it starts.
public struct JourneySeed: Sendable {
    public var definition: JourneyDefinition
    /// The file's YAML, kept in the table for operators.
    public var source: String?

    public init(definition: JourneyDefinition, source: String?) {
        self.definition = definition
        self.source = source
    }
}
