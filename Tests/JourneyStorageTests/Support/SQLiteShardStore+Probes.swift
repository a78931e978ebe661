import GRDB

@testable import JourneyStorage

extension SQLiteShardStore {
    /// The writer connection's `PRAGMA synchronous`, in SQLite's numbering (OFF 0, NORMAL 1,
    /// FULL 2): the level every commit the store makes is synced at.
    func writerSynchronousLevel() async throws -> Int? {
        try await writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
    }
}
