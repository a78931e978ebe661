import Foundation
import GRDB

/// An error from Waymark's storage: what went wrong (``code``), a sentence for
/// an operator (``message``), where (``context``: the file, the shard, the
/// operation, the record) and the underlying error when there is one.
///
/// Shaped like swift-nio's `FileSystemError`: callers branch on `code`, logs
/// print `description`, and GRDB or Foundation errors never escape bare, so a
/// log line always says which shard file failed and while doing what.
public struct StorageError: Error, CustomStringConvertible {
    /// What kind of failure this is: stable, for callers to branch on.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A data directory was opened with a shard count other than the one it was created with.
        case shardCountMismatch
        /// `waymark.json` exists but is not a manifest this version can read.
        case corruptManifest
        /// `waymark.json` names a format newer (or older) than this version understands.
        case unsupportedFormat
        /// Shard files exist but `waymark.json` does not: refusing to guess the shard count.
        case missingManifest
        /// A shard index outside `0..<shardCount`.
        case invalidShardIndex
        /// A shard file was opened in the slot of another shard (copied or renamed by hand).
        case shardMismatch
        /// An argument no store can honour (a shard count below one, for instance).
        case invalidArgument
        /// A customer snapshot that no longer decodes.
        case unreadableSnapshot
        /// Any other stored row whose contents do not decode.
        case unreadableRecord
        /// A value that could not be encoded for storage.
        case encodingFailed
        /// SQLite reports the file is damaged or is not a database.
        case corruptDatabase
        /// The disk (or the file system quota) is full.
        case diskFull
        /// Any other failure reported by SQLite.
        case databaseFailure
        /// Reading or writing a file of the data directory failed.
        case fileSystemFailure
    }

    /// Where the failure happened. Every field is optional: an error fills in
    /// what it knows, and the store adds its path and shard as it passes through.
    public struct Context: Sendable, Hashable {
        public var path: String?
        public var shard: Int?
        /// The store operation (`append`, `commit`, …) or data directory step.
        public var operation: String?
        /// The key of the row involved, such as a customer id.
        public var record: String?

        public init(path: String? = nil, shard: Int? = nil, operation: String? = nil, record: String? = nil) {
            self.path = path
            self.shard = shard
            self.operation = operation
            self.record = record
        }
    }

    public var code: Code
    public var message: String
    public var context: Context
    /// The error this one wraps (a GRDB `DatabaseError`, a `DecodingError`, a Foundation error).
    public var cause: (any Error)?

    public init(code: Code, message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.cause = cause
    }

    /// `code: message (path: …, shard: …, operation: …, record: …)`, then the cause chain.
    public var description: String {
        var text = "\(code.rawValue): \(message)"
        var details: [String] = []
        if let path = context.path { details.append("path: \(path)") }
        if let shard = context.shard { details.append("shard: \(shard)") }
        if let operation = context.operation { details.append("operation: \(operation)") }
        if let record = context.record { details.append("record: \(record)") }
        if !details.isEmpty { text += " (\(details.joined(separator: ", ")))" }
        if let cause { text += "; caused by: \(cause)" }
        return text
    }
}

extension StorageError {
    /// Turns any error thrown inside a store operation into a `StorageError`
    /// carrying the store's context. A `StorageError` keeps its code and only
    /// gains missing context; `CancellationError` passes through untouched so
    /// callers can still recognise cancellation.
    static func wrapping(_ error: any Error, context: Context) -> any Error {
        if error is CancellationError { return error }
        if var storageError = error as? StorageError {
            storageError.context.fill(from: context)
            return storageError
        }
        if let databaseError = error as? DatabaseError {
            let (code, message) = classify(databaseError)
            return StorageError(code: code, message: message, context: context, cause: databaseError)
        }
        return StorageError(code: .databaseFailure, message: "unexpected storage failure", context: context, cause: error)
    }

    private static func classify(_ error: DatabaseError) -> (Code, String) {
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            (.corruptDatabase, "the shard file is damaged or is not a SQLite database")
        case .SQLITE_FULL:
            (.diskFull, "the disk is full; nothing from this transaction was committed")
        default:
            (.databaseFailure, "SQLite failed: \(error.message ?? "\(error.resultCode)")")
        }
    }
}

extension StorageError.Context {
    /// Fills the fields that are still nil from `other`.
    mutating func fill(from other: Self) {
        path = path ?? other.path
        shard = shard ?? other.shard
        operation = operation ?? other.operation
        record = record ?? other.record
    }

    /// This context for one operation.
    func with(operation: String, record: String? = nil) -> Self {
        var copy = self
        copy.operation = operation
        copy.record = record ?? copy.record
        return copy
    }
}
