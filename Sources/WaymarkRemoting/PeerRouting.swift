import JourneyEngine

/// Where a node's gRPC service is, and which envelope version it reads.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The newest ``RemoteCallEnvelope`` wire version the peer reads (it published it).
    public var envelopeVersion: Int
    /// The peer's lease-owner name (incarnation), for logs.
    public var name: String

    public init(host: String, port: Int, envelopeVersion: Int = RemoteCallEnvelope.currentVersion, name: String = "") {
        self.host = host
        self.port = port
        self.envelopeVersion = envelopeVersion
        self.name = name
    }

    /// `host:port`, or nil when `address` is not of that form.
    public init?(parsing address: String, envelopeVersion: Int = RemoteCallEnvelope.currentVersion, name: String = "") {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host, port: port, envelopeVersion: envelopeVersion, name: name)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Which node owns a customer, as far as this node knows, and how to learn better.
///
/// The answer can be stale (a shard moved since it was read); a call that reaches a
/// node that no longer owns the customer is answered `moved`, and the caller
/// refreshes and asks again, so staleness costs a retry, never a wrong answer.
public protocol PeerRouting: Sendable {
    /// The node owning the customer's shard; throws `noOwner` when nobody holds it.
    func owner(of id: CustomerActorID) async throws -> PeerAddress

    /// Reads ownership again (after a `moved` answer).
    func refresh() async

    /// Every live node that serves calls, this one included.
    func liveNodes() async throws -> [PeerAddress]

    /// Keeps the routing current and this node findable (publishes `listening`), until
    /// cancelled. Run by ``RemotingService`` once its server listens.
    func maintain(listening: PeerAddress) async
}
