import Foundation
import JourneyRuntime
import Logging
import PostgresNIO

extension PostgresCoordinator {
    /// Appends in one transaction per call (callers group many requests into one call):
    /// locks the shard's inbox head, records the event ids (a duplicate takes no
    /// sequence), assigns the next sequences and inserts the entries. The head's row
    /// lock makes appends to one shard take turns, so sequences are gapless and become
    /// visible in order: a reader never sees N+1 before N.
    public func append(shard: Int, _ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        if inputs.isEmpty { return [] }
        let payloads = try inputs.map { input -> String in
            String(decoding: try JSONEncoder().encode(input), as: UTF8.self)
        }
        return try await transaction("append", shard: shard) { connection, logger in
            var last: Int64 = 0
            let head = try await connection.query(
                "SELECT last_sequence FROM waymark_inbox_heads WHERE shard = \(shard) FOR UPDATE", logger: logger)
            for try await sequence in head.decode(Int64.self) { last = sequence }
            // Events are keyed by customer (``InboxInput/deduplicationKey``); a bare id is how rows
            // were written before, and still counts as seen for any customer.
            let keys = inputs.compactMap(\.deduplicationKey)
            let ids = inputs.compactMap(\.eventID)
            var fresh: Set<String> = []
            if !keys.isEmpty {
                let inserted = try await connection.query(
                    """
                    INSERT INTO waymark_seen_events (shard, event_id)
                    SELECT \(shard), seen.key FROM unnest(\(keys)::text[], \(ids)::text[]) AS seen(key, id)
                    WHERE NOT EXISTS (SELECT 1 FROM waymark_seen_events old WHERE old.shard = \(shard) AND old.event_id = seen.id)
                    ON CONFLICT (shard, event_id) DO NOTHING RETURNING event_id
                    """, logger: logger)
                for try await key in inserted.decode(String.self) { fresh.insert(key) }
            }
            var results: [InboxAppendResult] = []
            var sequences: [Int64] = [], customers: [String] = [], bodies: [String] = [], times: [Double] = []
            for (input, payload) in zip(inputs, payloads) {
                // Within one batch the same event twice: only its first occurrence is new.
                if let key = input.deduplicationKey, fresh.remove(key) == nil {
                    results.append(.duplicate)
                    continue
                }
                last += 1
                sequences.append(last)
                customers.append(input.customerID)
                bodies.append(payload)
                times.append(input.acceptedAt.timeIntervalSince1970)
                results.append(.appended(InboxEntry(sequence: last, input: input)))
            }
            if !sequences.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO waymark_inbox (shard, sequence, customer_id, payload, accepted_at)
                    SELECT \(shard), * FROM unnest(\(sequences)::bigint[], \(customers)::text[], \(bodies)::text[], \(times)::float8[])
                    """, logger: logger)
                try await connection.query(
                    "UPDATE waymark_inbox_heads SET last_sequence = \(last) WHERE shard = \(shard)", logger: logger)
            }
            return results
        }
    }

    public func inbox(shard: Int, after sequence: Int64, limit: Int) async throws -> [InboxEntry] {
        let rows: [(Int64, String)] = try await transaction("inbox", shard: shard) { connection, logger in
            let rows = try await connection.query(
                """
                SELECT sequence, payload FROM waymark_inbox WHERE shard = \(shard) AND sequence > \(sequence)
                ORDER BY sequence LIMIT \(limit)
                """, logger: logger)
            var collected: [(Int64, String)] = []
            for try await row in rows.decode((Int64, String).self) { collected.append(row) }
            return collected
        }
        var expected = sequence + 1
        var entries: [InboxEntry] = []
        for (number, payload) in rows {
            guard number == expected else {
                throw ClusterError(
                    .corruptData, "the inbox of shard \(shard) jumps from \(expected - 1) to \(number)",
                    context: ["shard.id": "\(shard)", "inbox.sequence": "\(number)"])
            }
            expected += 1
            do {
                entries.append(InboxEntry(sequence: number, input: try JSONDecoder().decode(InboxInput.self, from: Data(payload.utf8))))
            } catch {
                throw ClusterError(
                    .corruptData, "inbox entry \(number) of shard \(shard) cannot be decoded",
                    context: ["shard.id": "\(shard)", "inbox.sequence": "\(number)"], cause: error)
            }
        }
        return entries
    }
}
