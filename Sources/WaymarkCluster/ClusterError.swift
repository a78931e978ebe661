import Foundation

/// A cluster failure with a code callers can act on, a message for people, and context
/// (`shard.id`, `node.id`, the statement that failed…).
public struct ClusterError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// The cluster was created with another shard count than this node's.
        case shardCountMismatch = "shard_count_mismatch"
        /// This node no longer holds the shard's lease (or holds an older epoch): the write was refused.
        case fenced
        /// PostgreSQL could not be reached or refused a statement.
        case database
        /// A `cluster:` setting or a PostgreSQL URL is not usable.
        case invalidConfiguration = "invalid_configuration"
        /// A snapshot or an inbox payload could not be decoded.
        case corruptData = "corrupt_data"
        /// The shard is not owned by this node.
        case notOwner = "not_owner"
    }

    public var code: Code
    public var message: String
    public var context: [String: String]
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, context: [String: String] = [:], cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.cause = cause
    }

    public var description: String {
        let details = context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        var text = "\(code.rawValue): \(message)" + (details.isEmpty ? "" : " (\(details))")
        if let cause { text += "\n  caused by: \(String(reflecting: cause))" }
        return text
    }
}
