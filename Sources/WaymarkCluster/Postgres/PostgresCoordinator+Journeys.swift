import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging
import PostgresNIO

extension PostgresCoordinator: ClusterJourneyRegistry {
    /// Serialises journey changes cluster-wide (they are rare; the table stays simple).
    static let journeysLockKey: Int64 = ClusterSchema.lockKey + 1

    public func seedJourneys(_ seeds: [JourneySeed]) async throws -> [String] {
        if seeds.isEmpty { return [] }
        let rows = try seeds.map { seed in
            (seed, JourneyEngine.contentHash(of: seed.definition), try Self.json(seed.definition))
        }
        return try await transaction("seedJourneys") { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.journeysLockKey))", logger: logger)
            var seeded: [String] = []
            for (seed, hash, definition) in rows {
                let id = seed.definition.id
                let version = max(seed.definition.version ?? 1, 1)
                let inserted = try await connection.query(
                    """
                    INSERT INTO waymark_journeys (journey_id, version, source, definition, content_hash, active)
                    SELECT \(id), \(version), \(seed.source), \(definition), \(hash), true
                    WHERE NOT EXISTS (SELECT 1 FROM waymark_journeys WHERE journey_id = \(id))
                    RETURNING journey_id
                    """, logger: logger)
                for try await journeyID in inserted.decode(String.self) { seeded.append(journeyID) }
            }
            if !seeded.isEmpty { try await Self.bumpJourneysGeneration(connection, logger) }
            return seeded
        }
    }

    public func deployJourney(_ definition: JourneyDefinition, source: String?) async throws -> DeployOutcome {
        let hash = JourneyEngine.contentHash(of: definition)
        let body = try Self.json(definition)
        let id = definition.id
        return try await transaction("deployJourney") { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.journeysLockKey))", logger: logger)
            let latest = try await connection.query(
                "SELECT version, content_hash, active FROM waymark_journeys WHERE journey_id = \(id) ORDER BY version DESC LIMIT 1",
                logger: logger)
            var last: (version: Int, hash: String, active: Bool)?
            for try await row in latest.decode((Int, String, Bool).self) { last = row }
            if let last, last.hash == hash, last.active {
                return DeployOutcome(journeyID: id, version: last.version, change: .unchanged)
            }
            let number = max(definition.version ?? 0, (last?.version ?? 0) + 1)
            try await connection.query(
                """
                INSERT INTO waymark_journeys (journey_id, version, source, definition, content_hash, active)
                VALUES (\(id), \(number), \(source), \(body), \(hash), true)
                """, logger: logger)
            try await Self.bumpJourneysGeneration(connection, logger)
            return DeployOutcome(journeyID: id, version: number, change: .deployed)
        }
    }

    public func undeployJourney(_ journeyID: String) async throws -> Bool {
        try await transaction("undeployJourney") { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.journeysLockKey))", logger: logger)
            let rows = try await connection.query(
                """
                UPDATE waymark_journeys SET active = false, undeployed_at = now()
                WHERE journey_id = \(journeyID) AND active
                RETURNING version
                """, logger: logger)
            var changed = false
            for try await _ in rows.decode(Int.self) { changed = true }
            if changed { try await Self.bumpJourneysGeneration(connection, logger) }
            return changed
        }
    }

    public func journeysGeneration() async throws -> Int64 {
        try await transaction("journeysGeneration") { connection, logger in
            try await Self.generation(connection, logger)
        }
    }

    public func journeyVersions() async throws -> (generation: Int64, versions: [StoredJourneyVersion]) {
        let (generation, rows) = try await transaction("journeyVersions") { connection, logger in
            let generation = try await Self.generation(connection, logger)
            let rows = try await connection.query(
                "SELECT journey_id, version, definition, content_hash, active, created_at FROM waymark_journeys ORDER BY journey_id, version",
                logger: logger)
            var collected: [(String, Int, String, String, Bool, Date)] = []
            for try await row in rows.decode((String, Int, String, String, Bool, Date).self) { collected.append(row) }
            return (generation, collected)
        }
        let versions = try rows.map { id, version, body, hash, active, createdAt in
            do {
                let definition = try JSONDecoder().decode(JourneyDefinition.self, from: Data(body.utf8))
                return StoredJourneyVersion(journeyID: id, version: version, definition: definition, contentHash: hash, deployedAt: createdAt, active: active)
            } catch {
                throw ClusterError(
                    .corruptData, "journey \(id) version \(version) in waymark_journeys cannot be decoded",
                    context: ["journey.id": id, "journey.version": "\(version)"], cause: error)
            }
        }
        return (generation, versions)
    }

    static func json(_ definition: JourneyDefinition) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(definition), as: UTF8.self)
    }

    static func generation(_ connection: PostgresTransaction, _ logger: Logger) async throws -> Int64 {
        let rows = try await connection.query("SELECT journeys_generation FROM waymark_cluster WHERE id = 1", logger: logger)
        for try await generation in rows.decode(Int64.self) { return generation }
        return 0
    }

    static func bumpJourneysGeneration(_ connection: PostgresTransaction, _ logger: Logger) async throws {
        try await connection.query("UPDATE waymark_cluster SET journeys_generation = journeys_generation + 1 WHERE id = 1", logger: logger)
    }
}
