import Foundation
import Logging
import NIOCore
import PostgresNIO

extension PostgresCoordinator {
    /// Stores the snapshot and drops the inbox entries it covers, in one epoch-checked
    /// transaction: a node that lost the lease cannot overwrite the new owner's snapshot.
    public func saveSnapshot(_ snapshot: ShardSnapshot, owner: String, epoch: Int64) async throws {
        let body = ByteBuffer(data: try snapshot.encoded())
        let shard = snapshot.shard
        let applied = snapshot.appliedSequence
        try await transaction("saveSnapshot", shard: shard) { connection, logger in
            try await Self.checkEpoch(connection, shard: shard, owner: owner, epoch: epoch, logger)
            try await connection.query(
                """
                INSERT INTO waymark_snapshots (shard, epoch, applied_sequence, taken_at, body)
                VALUES (\(shard), \(epoch), \(applied), now(), \(body))
                ON CONFLICT (shard) DO UPDATE SET epoch = EXCLUDED.epoch, applied_sequence = EXCLUDED.applied_sequence,
                    taken_at = EXCLUDED.taken_at, body = EXCLUDED.body
                WHERE waymark_snapshots.applied_sequence <= EXCLUDED.applied_sequence
                """, logger: logger)
            try await connection.query(
                "DELETE FROM waymark_inbox WHERE shard = \(shard) AND sequence <= \(applied)", logger: logger)
        }
    }

    public func latestSnapshot(shard: Int) async throws -> ShardSnapshot? {
        let body: ByteBuffer? = try await transaction("latestSnapshot", shard: shard) { connection, logger in
            let rows = try await connection.query("SELECT body FROM waymark_snapshots WHERE shard = \(shard)", logger: logger)
            for try await body in rows.decode(ByteBuffer.self) { return body }
            return nil
        }
        guard let body else { return nil }
        return try ShardSnapshot.decode(Data(buffer: body), shard: shard)
    }
}
