import Foundation
import GRDB
import JourneyModel
import JourneyRuntime

/// A row of `journey_versions`: one deployed ``StoredJourneyVersion``.
///
/// Saved with GRDB's `upsert`: saving a version again replaces its columns (an
/// undeploy flips `active`), so the primary key (journey_id, version) makes a
/// save idempotent.
struct JourneyVersionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "journey_versions"

    enum CodingKeys: String, CodingKey {
        case journeyID = "journey_id"
        case version, definition
        case contentHash = "content_hash"
        case deployedAt = "deployed_at"
        case active
    }

    enum Columns {
        static let journeyID = Column(CodingKeys.journeyID)
        static let version = Column(CodingKeys.version)
    }

    var journeyID: String
    var version: Int
    var definition: Data
    var contentHash: String
    var deployedAt: Double
    var active: Bool

    init(_ stored: StoredJourneyVersion, _ coder: BlobCoder) throws {
        journeyID = stored.journeyID
        version = stored.version
        definition = try coder.encode(stored.definition, as: "journey definition", key: "\(stored.journeyID)@\(stored.version)")
        contentHash = stored.contentHash
        deployedAt = stored.deployedAt.storedSeconds
        active = stored.active
    }

    func stored(_ coder: BlobCoder) throws -> StoredJourneyVersion {
        let definition = try coder.decode(
            JourneyDefinition.self, from: definition, as: "journey definition", key: "\(journeyID)@\(version)")
        return StoredJourneyVersion(
            journeyID: journeyID, version: version, definition: definition, contentHash: contentHash,
            deployedAt: Date(storedSeconds: deployedAt), active: active)
    }

    static func all(_ db: Database, _ coder: BlobCoder) throws -> [StoredJourneyVersion] {
        try JourneyVersionRow.order(Columns.journeyID, Columns.version).fetchAll(db).map { try $0.stored(coder) }
    }
}
