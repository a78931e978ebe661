import Foundation

/// How a cluster node serves and makes node-to-node calls: the `cluster.grpc`
/// section of its configuration.
public struct RemotingSettings: Sendable, Hashable {
    /// The IP address the gRPC server binds (an address literal, not a name).
    public var host: String
    /// The port it binds; 0 takes a free one (published to peers once bound).
    public var port: Int
    /// The host peers reach this node at; nil: the host of `cluster.advertise`.
    public var advertiseHost: String?
    /// The shared secret every call carries; calls without it are refused.
    public var secret: String
    /// Mutual TLS: nil means plaintext (the secret still guards every call).
    public var tls: TLS?
    /// How long a call may take, retries after `moved` included.
    public var callTimeout: Duration
    /// How many times a call is re-sent after `moved` or `no_owner` before it fails.
    public var maximumRetries: Int

    /// PEM files for mutual TLS: this node's certificate chain and key, and the roots its
    /// peers' certificates must chain to. Peers are reached by address, so host names in
    /// the certificates are not checked; the trust roots are what admit a peer.
    public struct TLS: Sendable, Hashable {
        public var certificate: String
        public var key: String
        public var trustRoots: String

        public init(certificate: String, key: String, trustRoots: String) {
            self.certificate = certificate
            self.key = key
            self.trustRoots = trustRoots
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 0, advertiseHost: String? = nil, secret: String, tls: TLS? = nil,
        callTimeout: Duration = .seconds(5), maximumRetries: Int = 20
    ) {
        self.host = host
        self.port = port
        self.advertiseHost = advertiseHost
        self.secret = secret
        self.tls = tls
        self.callTimeout = callTimeout
        self.maximumRetries = maximumRetries
    }
}
