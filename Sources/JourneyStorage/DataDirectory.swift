import Foundation

/// A Waymark data directory: a manifest and one SQLite file per shard.
///
/// ```
/// DATA/
///   waymark.json              format, shard_count, created_at
///   shards/
///     shard-0000.sqlite       (+ -wal and -shm files while open)
///     shard-0001.sqlite
///     …
/// ```
///
/// The shard count is fixed when the directory is created and recorded in the
/// manifest; opening with another count is refused rather than silently moving
/// customers between shards. Each shard file also records its own index on
/// first open, so a file copied into another slot is refused too.
public struct DataDirectory: Sendable {
    public static let manifestFileName = "waymark.json"
    public static let shardsFolderName = "shards"

    /// The directory's root.
    public let url: URL
    public let manifest: DataDirectoryManifest

    public var shardCount: Int { manifest.shardCount }

    /// Opens the data directory at `url`, creating it with `shardCount` shards
    /// if it has no manifest yet.
    ///
    /// - Parameter now: the creation time recorded in a new manifest.
    /// - Throws: ``StorageError`` with `shardCountMismatch` when the directory
    ///   was created with another count, `missingManifest` when shard files
    ///   exist without a manifest, `corruptManifest` or `unsupportedFormat` for
    ///   a manifest this version cannot trust.
    public static func openOrCreate(at url: URL, shardCount: Int, now: Date) throws -> DataDirectory {
        let manifestPath = url.appendingPathComponent(manifestFileName).path
        guard shardCount >= 1 else {
            throw StorageError(
                code: .invalidArgument, message: "a data directory needs at least 1 shard, not \(shardCount)",
                context: StorageError.Context(path: url.path, operation: "create"))
        }
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            return try create(at: url, shardCount: shardCount, now: now)
        }
        let directory = try open(at: url)
        guard directory.shardCount == shardCount else {
            throw StorageError(
                code: .shardCountMismatch,
                message: """
                    the data directory was created with \(directory.shardCount) shards but \(shardCount) were requested; \
                    the shard count is fixed at creation, since changing it would move customers between shards
                    """,
                context: StorageError.Context(path: manifestPath, operation: "open"))
        }
        return directory
    }

    /// Opens an existing data directory with the shard count its manifest records.
    public static func open(at url: URL) throws -> DataDirectory {
        let manifestPath = url.appendingPathComponent(manifestFileName).path
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw StorageError(
                code: .missingManifest, message: "\(url.path) is not a Waymark data directory (no \(manifestFileName))",
                context: StorageError.Context(path: manifestPath, operation: "open"))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
        } catch {
            throw StorageError(
                code: .fileSystemFailure, message: "cannot read \(manifestFileName)",
                context: StorageError.Context(path: manifestPath, operation: "open"), cause: error)
        }
        return DataDirectory(url: url, manifest: try DataDirectoryManifest.decode(data, path: manifestPath))
    }

    /// The file of shard `index` (which need not exist yet).
    public func shardURL(_ index: Int) -> URL {
        url.appendingPathComponent(Self.shardsFolderName)
            .appendingPathComponent(String(format: "shard-%04d.sqlite", index))
    }

    /// Opens (creating on first use) the store of shard `index`.
    public func store(forShard index: Int, options: SQLiteShardStore.Options = .init()) throws -> SQLiteShardStore {
        guard (0..<shardCount).contains(index) else {
            throw StorageError(
                code: .invalidShardIndex, message: "shard \(index) does not exist; this directory has shards 0…\(shardCount - 1)",
                context: StorageError.Context(path: url.path, shard: index, operation: "open shard"))
        }
        return try SQLiteShardStore(path: shardURL(index).path, shard: index, options: options)
    }

    /// Creates the folders, then writes the manifest last and atomically (a
    /// temporary file renamed into place): a manifest, once visible, is whole,
    /// and a crash before it leaves a directory that the next start creates again.
    private static func create(at url: URL, shardCount: Int, now: Date) throws -> DataDirectory {
        let fileManager = FileManager.default
        let shards = url.appendingPathComponent(shardsFolderName)
        let manifestURL = url.appendingPathComponent(manifestFileName)
        let context = StorageError.Context(path: url.path, operation: "create")
        // Shard files without a manifest: someone removed it. Guessing a count could misplace every customer.
        if let existing = try? fileManager.contentsOfDirectory(atPath: shards.path),
            existing.contains(where: { $0.hasSuffix(".sqlite") }) {
            throw StorageError(
                code: .missingManifest,
                message: "shard files exist but \(manifestFileName) does not; restore it rather than guess the shard count",
                context: context)
        }
        let manifest = DataDirectoryManifest(shardCount: shardCount, createdAt: now)
        do {
            try fileManager.createDirectory(at: shards, withIntermediateDirectories: true)
            try manifest.encoded().write(to: manifestURL, options: .atomic)
        } catch {
            throw StorageError(
                code: .fileSystemFailure, message: "cannot create the data directory", context: context, cause: error)
        }
        return DataDirectory(url: url, manifest: manifest)
    }
}
