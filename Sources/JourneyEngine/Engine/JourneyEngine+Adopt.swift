import Foundation
import JourneyModel
import JourneyRuntime

extension JourneyEngine {
    /// Installs journey versions decided elsewhere — a cluster's journeys table — with
    /// their numbers and deploy times as given, so that every node of a cluster runs the
    /// same versions. Runs in flight keep the version they started on, as with ``deploy(_:)``.
    ///
    /// It merges rather than replaces, so that reading an older list after a newer one
    /// changes nothing: a version not known yet is added, a known one is only ever
    /// undeployed (an undeployed version never becomes active again; a redeploy is a new
    /// version), and no version is removed.
    public func adopt(_ stored: [StoredJourneyVersion]) async throws {
        try await recoverCatalog()
        let ordered = stored.sorted { ($0.journeyID, $0.version) < ($1.journeyID, $1.version) }
        let changed = ordered.compactMap { Self.merge($0, into: versions[$0.journeyID] ?? [])?.changed }
        guard !changed.isEmpty else { return }
        // The stores (a cluster node's shard runners read them) have every version before the
        // engine lists it, so a version the API shows is one the shards run.
        for version in changed {
            for store in stores { try await store.saveJourneyVersion(version) }
            logger.info(version.active ? "journey version adopted" : "journey undeployed by the cluster", metadata: [
                "journey.id": "\(version.journeyID)", "journey.version": "\(version.version)",
            ])
        }
        // Merged again now: another adopt may have run while this one waited on the stores.
        for version in changed {
            if let (list, _) = Self.merge(version, into: versions[version.journeyID] ?? []) { versions[version.journeyID] = list }
        }
        catalog = JourneyCatalog(restoring: versions.values.flatMap { $0 })
        await publishCatalog()
    }

    /// One version merged into a journey's list: added if new, undeployed if it says so; nil when
    /// the list already has it (an undeployed version never becomes active again).
    static func merge(_ version: StoredJourneyVersion, into list: [StoredJourneyVersion]) -> (list: [StoredJourneyVersion], changed: StoredJourneyVersion)? {
        var list = list
        if let index = list.firstIndex(where: { $0.version == version.version }) {
            guard list[index].active, !version.active else { return nil }
            list[index].active = false
            return (list, list[index])
        }
        list.append(version)
        list.sort { $0.version < $1.version }
        return (list, version)
    }
}
