import Foundation
import Logging
import PostgresNIO

extension PostgresCoordinator {
    /// Runs `body` in one transaction; any failure becomes a ``ClusterError`` naming the operation.
    @discardableResult
    func transaction<Result: Sendable>(
        _ operation: String, shard: Int? = nil,
        _ body: @Sendable (PostgresTransaction, Logger) async throws -> Result
    ) async throws -> Result {
        var logger = logger
        logger[metadataKey: "cluster.operation"] = "\(operation)"
        if let shard { logger[metadataKey: "shard.id"] = "\(shard)" }
        let scoped = logger
        do {
            return try await client.withConnection { connection in
                try await PostgresTransaction.run(on: connection, logger: scoped) { transaction in
                    try await body(transaction, scoped)
                }
            }
        } catch let error as ClusterError {
            throw error
        } catch {
            throw Self.wrap(error, operation: operation, shard: shard)
        }
    }

    /// The fencing check of every owner write: the lease row is locked until the transaction ends,
    /// and the write is refused unless `owner` holds `epoch` and the lease has not expired.
    static func checkEpoch(_ connection: PostgresTransaction, shard: Int, owner: String, epoch: Int64, _ logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT owner, epoch, expires_at > now() FROM waymark_leases WHERE shard = \(shard) FOR SHARE
            """, logger: logger)
        for try await (current, currentEpoch, live) in rows.decode((String?, Int64, Bool).self) {
            if current == owner && currentEpoch == epoch && live { return }
            throw ClusterError(
                .fenced, "the lease of shard \(shard) is no longer held by \(owner) at epoch \(epoch); the write was refused",
                context: ["shard.id": "\(shard)", "node.incarnation": owner, "lease.epoch": "\(epoch)", "lease.current_epoch": "\(currentEpoch)",
                          "lease.current_owner": current ?? "-"])
        }
        throw ClusterError(.fenced, "shard \(shard) has no lease row", context: ["shard.id": "\(shard)"])
    }

    static func databaseNow(_ connection: PostgresTransaction, _ logger: Logger) async throws -> Date {
        let rows = try await connection.query("SELECT now()", logger: logger)
        for try await now in rows.decode(Date.self) { return now }
        return Date()
    }

    static func wrap(_ error: any Error, operation: String, shard: Int?) -> ClusterError {
        var context = ["operation": operation]
        if let shard { context["shard.id"] = "\(shard)" }
        return ClusterError(.database, "PostgreSQL failed during \(operation): \(String(reflecting: error))", context: context, cause: error)
    }
}
