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
        var changed: [StoredJourneyVersion] = []
        for version in stored.sorted(by: { ($0.journeyID, $0.version) < ($1.journeyID, $1.version) }) {
            var list = versions[version.journeyID] ?? []
            if let index = list.firstIndex(where: { $0.version == version.version }) {
                let known = list[index]
                guard known.active, !version.active else { continue }
                list[index].active = false
                changed.append(list[index])
            } else {
                list.append(version)
                list.sort { $0.version < $1.version }
                changed.append(version)
            }
            versions[version.journeyID] = list
        }
        guard !changed.isEmpty else { return }
        for version in changed {
            for store in stores { try await store.saveJourneyVersion(version) }
            logger.info(version.active ? "journey version adopted" : "journey undeployed by the cluster", metadata: [
                "journey.id": "\(version.journeyID)", "journey.version": "\(version.version)",
            ])
        }
        catalog = JourneyCatalog(restoring: versions.values.flatMap { $0 })
        await publishCatalog()
    }
}
