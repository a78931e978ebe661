import Foundation
import JourneyRuntime
import JourneyStorage
import Testing

@Suite("DataDirectory")
struct DataDirectoryTests {
    @Test("creating writes the manifest and the shards folder")
    func createsManifest() async throws {
        try await withTemporaryDirectory { root in
            let url = root.appendingPathComponent("nested/data")
            let directory = try DataDirectory.openOrCreate(at: url, shardCount: 4, now: Fixture.epoch)
            #expect(directory.manifest == DataDirectoryManifest(format: 1, shardCount: 4, createdAt: Fixture.epoch))

            let data = try Data(contentsOf: url.appendingPathComponent("waymark.json"))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(json["format"] as? Int == 1)
            #expect(json["shard_count"] as? Int == 4)
            #expect(json["created_at"] as? String == "2023-11-14T22:13:20Z")
            var isFolder: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: url.appendingPathComponent("shards").path, isDirectory: &isFolder))
            #expect(isFolder.boolValue)

            let store = try directory.store(forShard: 3)
            try await store.commit(ShardCommit(snapshots: [Fixture.customer("alice")]))
            try store.close()
            #expect(store.path == url.appendingPathComponent("shards/shard-0003.sqlite").path)
            #expect(FileManager.default.fileExists(atPath: store.path))
        }
    }

    @Test("reopening with the same count keeps the original manifest and shard data")
    func reopensWithSameCount() async throws {
        try await withTemporaryDirectory { root in
            let created = try DataDirectory.openOrCreate(at: root, shardCount: 8, now: Fixture.epoch)
            let store = try created.store(forShard: 5)
            try await store.commit(ShardCommit(snapshots: [Fixture.customer("alice")]))
            try store.close()

            let reopened = try DataDirectory.openOrCreate(at: root, shardCount: 8, now: Fixture.at(86_400))
            #expect(reopened.manifest == created.manifest)
            #expect(try DataDirectory.open(at: root).shardCount == 8)
            let again = try reopened.store(forShard: 5)
            #expect(try await again.customer("alice") == Fixture.customer("alice"))
            try again.close()
        }
    }

    @Test("a different shard count is refused with a typed error")
    func refusesDifferentCount() async throws {
        try await withTemporaryDirectory { root in
            _ = try DataDirectory.openOrCreate(at: root, shardCount: 8, now: Fixture.epoch)
            let error = #expect(throws: StorageError.self) {
                try DataDirectory.openOrCreate(at: root, shardCount: 16, now: Fixture.epoch)
            }
            #expect(error?.code == .shardCountMismatch)
            #expect(error?.context.path == root.appendingPathComponent("waymark.json").path)
            #expect(error?.message.contains("8 shards") == true && error?.message.contains("16") == true)
            // The directory is untouched.
            #expect(try DataDirectory.open(at: root).shardCount == 8)
        }
    }

    @Test(
        "a manifest this version cannot trust is refused",
        arguments: [
            ("{ not json", StorageError.Code.corruptManifest),
            (#"{"format": 1, "created_at": "2023-11-14T22:13:20Z"}"#, .corruptManifest),
            (#"{"format": 1, "shard_count": 0, "created_at": "2023-11-14T22:13:20Z"}"#, .corruptManifest),
            (#"{"format": 1, "shard_count": 4, "created_at": "yesterday"}"#, .corruptManifest),
            (#"{"format": 2, "shard_count": 4, "created_at": "2023-11-14T22:13:20Z"}"#, .unsupportedFormat),
        ])
    func refusesBadManifest(contents: String, code: StorageError.Code) async throws {
        try await withTemporaryDirectory { root in
            try Data(contents.utf8).write(to: root.appendingPathComponent("waymark.json"))
            let error = #expect(throws: StorageError.self) {
                try DataDirectory.openOrCreate(at: root, shardCount: 4, now: Fixture.epoch)
            }
            #expect(error?.code == code)
            #expect(error?.context.path == root.appendingPathComponent("waymark.json").path)
        }
    }

    @Test("shard files without a manifest are refused instead of guessing a count")
    func refusesMissingManifest() async throws {
        try await withTemporaryDirectory { root in
            let directory = try DataDirectory.openOrCreate(at: root, shardCount: 2, now: Fixture.epoch)
            try directory.store(forShard: 0).close()
            try FileManager.default.removeItem(at: root.appendingPathComponent("waymark.json"))
            let error = #expect(throws: StorageError.self) {
                try DataDirectory.openOrCreate(at: root, shardCount: 2, now: Fixture.epoch)
            }
            #expect(error?.code == .missingManifest)
            #expect((#expect(throws: StorageError.self) { try DataDirectory.open(at: root) })?.code == .missingManifest)
        }
    }

    @Test("shard indexes outside the count and counts below one are refused")
    func refusesBadArguments() async throws {
        try await withTemporaryDirectory { root in
            let zero = #expect(throws: StorageError.self) { try DataDirectory.openOrCreate(at: root, shardCount: 0, now: Fixture.epoch) }
            #expect(zero?.code == .invalidArgument)
            let directory = try DataDirectory.openOrCreate(at: root, shardCount: 4, now: Fixture.epoch)
            for index in [-1, 4] {
                let error = #expect(throws: StorageError.self) { try directory.store(forShard: index) }
                #expect(error?.code == .invalidShardIndex)
                #expect(error?.context.shard == index)
            }
        }
    }

    @Test("a shard file copied into another shard's slot is refused")
    func refusesMovedShardFile() async throws {
        try await withTemporaryDirectory { root in
            let directory = try DataDirectory.openOrCreate(at: root, shardCount: 2, now: Fixture.epoch)
            let store = try directory.store(forShard: 0)
            try await store.commit(ShardCommit(snapshots: [Fixture.customer("alice")]))
            try store.close()
            try FileManager.default.copyItem(at: directory.shardURL(0), to: directory.shardURL(1))
            let error = #expect(throws: StorageError.self) { try directory.store(forShard: 1) }
            #expect(error?.code == .shardMismatch)
            #expect(error?.context == StorageError.Context(path: directory.shardURL(1).path, shard: 1, operation: "open"))
            try directory.store(forShard: 0).close()
        }
    }
}
