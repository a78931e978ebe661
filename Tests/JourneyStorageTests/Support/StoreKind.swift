import Foundation
import JourneyRuntime
import JourneyStorage
import Testing

/// The stores the conformance suite runs against: the in-memory reference and
/// the SQLite store, on a real file (WAL) and in memory.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inMemory
    case sqliteFile
    case sqliteInMemory

    var testDescription: String { rawValue }
}

/// Runs `body` in a fresh directory under the system's temporary directory, removed afterwards.
func withTemporaryDirectory<Value>(_ body: (URL) async throws -> Value) async throws -> Value {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-storage-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Runs `body` with an empty store of `kind`, closing and deleting it afterwards.
func withStore(
    _ kind: StoreKind, actionHistoryLimit: Int = 100, _ body: (any ShardStore) async throws -> Void
) async throws {
    let options = SQLiteShardStore.Options(actionHistoryLimit: actionHistoryLimit)
    switch kind {
    case .inMemory:
        try await body(InMemoryShardStore(actionHistoryLimit: actionHistoryLimit))
    case .sqliteInMemory:
        let store = try SQLiteShardStore.inMemory(options: options)
        try await body(store)
        try store.close()
    case .sqliteFile:
        try await withTemporaryDirectory { directory in
            let store = try SQLiteShardStore(path: directory.appendingPathComponent("shard.sqlite").path, options: options)
            try await body(store)
            try store.close()
        }
    }
}
