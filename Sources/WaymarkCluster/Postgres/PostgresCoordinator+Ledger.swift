import Foundation
import Logging
import PostgresNIO

extension PostgresCoordinator {
    /// Claims a send, in one epoch-checked transaction. A key already delivered is
    /// refused; a key claimed under an older epoch (its owner died between claiming
    /// and confirming) is taken over and counted in `takeovers`.
    public func claimDelivery(key: String, shard: Int, owner: String, epoch: Int64) async throws -> DeliveryClaim {
        try await transaction("claimDelivery", shard: shard) { connection, logger in
            try await Self.checkEpoch(connection, shard: shard, owner: owner, epoch: epoch, logger)
            let rows = try await connection.query(
                """
                INSERT INTO waymark_deliveries (idempotency_key, shard, epoch, owner, state, claimed_at)
                VALUES (\(key), \(shard), \(epoch), \(owner), 'claimed', now())
                ON CONFLICT (idempotency_key) DO UPDATE SET epoch = EXCLUDED.epoch, owner = EXCLUDED.owner, claimed_at = now(),
                    takeovers = waymark_deliveries.takeovers + CASE WHEN waymark_deliveries.epoch < EXCLUDED.epoch THEN 1 ELSE 0 END
                WHERE waymark_deliveries.state = 'claimed' AND waymark_deliveries.epoch <= EXCLUDED.epoch
                RETURNING state
                """, logger: logger)
            for try await _ in rows.decode(String.self) { return .claimed }
            return .alreadyDelivered
        }
    }

    /// Marks a claimed send delivered. Only the claim's own epoch can confirm it.
    public func confirmDelivery(key: String, owner: String, epoch: Int64) async throws {
        try await transaction("confirmDelivery") { connection, logger in
            try await connection.query(
                """
                UPDATE waymark_deliveries SET state = 'delivered', delivered_at = now()
                WHERE idempotency_key = \(key) AND owner = \(owner) AND epoch = \(epoch) AND state = 'claimed'
                """, logger: logger)
        }
    }
}
