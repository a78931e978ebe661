import Foundation

/// Carries remote calls to the node that holds the target actor (gRPC in a cluster).
public protocol RemoteCallTransport: Sendable {
    /// Delivers the call and returns the encoded result, or throws an ``ActorSystemError``.
    func send(_ envelope: RemoteCallEnvelope) async throws -> Data
}

/// A remote call: who it is for, which distributed method, and its arguments.
///
/// The value is version-free; its wire forms are versioned (``RemoteCallEnvelope+Wire``):
/// a node reads every version from ``oldestReadableVersion`` to ``currentVersion`` and
/// writes the newest its peer reads, so two nodes one release apart can talk while a
/// cluster is upgraded one node at a time.
public struct RemoteCallEnvelope: Sendable, Hashable {
    /// The wire version this release writes by default.
    ///
    /// 1: the first form (keys `recipient.customerID`, `genericSubstitutions`, target as the
    /// mangled accessor name). 2: snake_case keys, the recipient as a string, the target as a
    /// stable name (``RemoteCallTargets``), and the caller's remaining time (`timeout_ms`).
    public static let currentVersion = 2
    /// The oldest wire version this release still reads (and can write, for older peers).
    public static let oldestReadableVersion = 1

    public var recipient: CustomerActorID
    /// The target's stable name (``RemoteCallTargets``), or its mangled identifier when it has none.
    public var target: String
    /// Mangled type names, for generic distributed methods (customer actors have none today).
    public var genericSubstitutions: [String]
    /// Each argument, JSON-encoded.
    public var arguments: [Data]
    /// How long the caller still waits, so the receiver can skip a call nobody waits for.
    public var timeoutMilliseconds: Int64?

    public init(
        recipient: CustomerActorID, target: String, genericSubstitutions: [String] = [], arguments: [Data] = [],
        timeoutMilliseconds: Int64? = nil
    ) {
        self.recipient = recipient
        self.target = target
        self.genericSubstitutions = genericSubstitutions
        self.arguments = arguments
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}
