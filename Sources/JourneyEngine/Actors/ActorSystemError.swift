import Foundation

/// Errors of the actor system, local or remote, with a code a caller can switch on.
///
/// A call to an actor on another node fails with one of these whatever went
/// wrong on the way: the code travels with the gRPC status, so the caller sees
/// `moved` or `deadlineExceeded` as a value, not as a string to parse.
public struct ActorSystemError: Error, CustomStringConvertible, Sendable, Hashable {
    public enum Code: String, Sendable, CaseIterable {
        /// The customer is not held here and no transport is configured (a single node).
        case noTransport = "no_transport"
        case wrongActorType = "wrong_actor_type"
        /// The arguments or generic substitutions could not be read.
        case badInvocation = "bad_invocation"
        /// The node asked does not own the customer's shard (any more); ask the owner.
        case moved
        /// No live node owns the customer's shard right now (a handover is in flight).
        case noOwner = "no_owner"
        /// The target is not one this node knows (a newer release's, or misspelt).
        case unknownTarget = "unknown_target"
        /// The envelope's version is one this node cannot read.
        case unsupportedVersion = "unsupported_version"
        /// The actor's method threw; the message is its description.
        case actorFailed = "actor_failed"
        /// The call's deadline passed before its answer arrived.
        case deadlineExceeded = "deadline_exceeded"
        /// The peer refused the call: wrong or missing cluster secret, or no client certificate.
        case unauthenticated
        /// The peer could not be reached, or failed in a way it did not describe.
        case unavailable
    }

    public var code: Code
    public var message: String
    /// Where it happened: `customer.id`, `peer.address`, `call.target`, ….
    public var context: [String: String]

    public init(_ code: Code, _ message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        let where_ = context.isEmpty ? "" : " (" + context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
        return "\(code.rawValue): \(message)\(where_)"
    }
}
