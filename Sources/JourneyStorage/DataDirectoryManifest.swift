import Foundation

/// The contents of `waymark.json`, the manifest at the root of a data directory:
///
/// ```json
/// { "created_at" : "2025-01-01T00:00:00Z", "format" : 1, "shard_count" : 16 }
/// ```
///
/// The shard count is here because it is fixed at creation: a customer's shard
/// is its stable hash modulo the count, so another count would look for
/// customers in the wrong files. `format` lets a later version recognise a
/// layout it must migrate (or refuse) before touching any shard file.
public struct DataDirectoryManifest: Sendable, Hashable, Codable {
    /// The layout this version writes and reads.
    public static let currentFormat = 1

    public var format: Int
    public var shardCount: Int
    public var createdAt: Date

    public init(format: Int = DataDirectoryManifest.currentFormat, shardCount: Int, createdAt: Date) {
        self.format = format
        self.shardCount = shardCount
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case format
        case shardCount = "shard_count"
        case createdAt = "created_at"
    }

    /// Pretty, sorted JSON with an ISO-8601 `created_at`, so the file reads well and diffs cleanly.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Parses and checks a manifest; anything this version cannot trust is a typed error.
    static func decode(_ data: Data, path: String) throws -> DataDirectoryManifest {
        let context = StorageError.Context(path: path, operation: "read manifest")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: DataDirectoryManifest
        do {
            manifest = try decoder.decode(DataDirectoryManifest.self, from: data)
        } catch {
            throw StorageError(
                code: .corruptManifest,
                message: "waymark.json is not a valid manifest (expected format, shard_count and created_at)",
                context: context, cause: error)
        }
        guard manifest.format == currentFormat else {
            throw StorageError(
                code: .unsupportedFormat,
                message: "waymark.json has format \(manifest.format); this version of Waymark reads format \(currentFormat)",
                context: context)
        }
        guard manifest.shardCount >= 1 else {
            throw StorageError(
                code: .corruptManifest, message: "waymark.json has shard_count \(manifest.shardCount); it must be at least 1",
                context: context)
        }
        return manifest
    }
}
