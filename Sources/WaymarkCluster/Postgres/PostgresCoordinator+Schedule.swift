import Foundation
import JourneyRuntime
import Logging
import PostgresNIO

extension PostgresCoordinator {
    /// Moves the mark and appends the marker in one epoch-checked transaction, so a tick is
    /// in the inbox exactly when its mark is recorded: a new owner that reads the marks never
    /// fires a tick twice, and one whose predecessor died before firing fires it itself.
    public func appendScheduleTick(shard: Int, tick: ScheduleTickMarker, owner: String, epoch: Int64) async throws -> Bool {
        let input = tick.inboxInput
        let payload = String(decoding: try JSONEncoder().encode(input), as: UTF8.self)
        let at = tick.at.timeIntervalSince1970
        let journeyID = tick.journeyID
        return try await transaction("appendScheduleTick", shard: shard) { connection, logger in
            try await Self.checkEpoch(connection, shard: shard, owner: owner, epoch: epoch, logger)
            let moved = try await connection.query(
                """
                INSERT INTO waymark_schedule_marks (shard, journey_id, last_tick, epoch, fired_at)
                VALUES (\(shard), \(journeyID), \(at), \(epoch), now())
                ON CONFLICT (shard, journey_id) DO UPDATE SET last_tick = EXCLUDED.last_tick, epoch = EXCLUDED.epoch, fired_at = now()
                WHERE waymark_schedule_marks.last_tick < EXCLUDED.last_tick
                RETURNING shard
                """, logger: logger)
            var fresh = false
            for try await _ in moved.decode(Int.self) { fresh = true }
            guard fresh else { return false }
            var last: Int64 = 0
            let head = try await connection.query(
                "SELECT last_sequence FROM waymark_inbox_heads WHERE shard = \(shard) FOR UPDATE", logger: logger)
            for try await sequence in head.decode(Int64.self) { last = sequence }
            last += 1
            let customerID = input.customerID
            try await connection.query(
                """
                INSERT INTO waymark_inbox (shard, sequence, customer_id, payload, accepted_at)
                VALUES (\(shard), \(last), \(customerID), \(payload), \(at))
                """, logger: logger)
            try await connection.query("UPDATE waymark_inbox_heads SET last_sequence = \(last) WHERE shard = \(shard)", logger: logger)
            return true
        }
    }

    public func scheduleMarks(shard: Int) async throws -> [String: Date] {
        try await transaction("scheduleMarks", shard: shard) { connection, logger in
            let rows = try await connection.query(
                "SELECT journey_id, last_tick FROM waymark_schedule_marks WHERE shard = \(shard)", logger: logger)
            var marks: [String: Date] = [:]
            for try await (journeyID, at) in rows.decode((String, Double).self) { marks[journeyID] = Date(timeIntervalSince1970: at) }
            return marks
        }
    }
}
