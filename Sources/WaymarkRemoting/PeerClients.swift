import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Synchronization

/// One gRPC client (one HTTP/2 connection, kept open) per peer, made on first use.
///
/// Clients run inside ``run()``, one child task each, so their connections live in
/// the node's structured task tree and close on shutdown. A call made before its
/// client runs is queued by gRPC until it does.
final class PeerClients: Sendable {
    typealias Client = GRPCClient<HTTP2ClientTransport.Posix>

    private struct State {
        var clients: [PeerAddress.Key: Client] = [:]
        var stopped = false
    }

    private let state = Mutex(State())
    private let started: AsyncStream<Client>
    private let starter: AsyncStream<Client>.Continuation
    let settings: RemotingSettings
    let caller: String
    let logger: Logger

    init(settings: RemotingSettings, caller: String, logger: Logger) {
        self.settings = settings
        self.caller = caller
        self.logger = logger
        (started, starter) = AsyncStream<Client>.makeStream()
    }

    /// The client for `peer`, made (and handed to ``run()``) if it is the first call there.
    func client(for peer: PeerAddress) throws -> Client {
        try state.withLock { state in
            if let client = state.clients[peer.key] { return client }
            guard !state.stopped else { throw RPCError(code: .unavailable, message: "this node is shutting down") }
            let target: any ResolvableTarget =
                peer.host.contains(":") ? .ipv6(address: peer.host, port: peer.port)
                : peer.host.allSatisfy({ $0.isNumber || $0 == "." }) ? .ipv4(address: peer.host, port: peer.port)
                : .dns(host: peer.host, port: peer.port)
            let transport = try HTTP2ClientTransport.Posix(target: target, transportSecurity: settings.clientSecurity)
            let client = Client(transport: transport, interceptors: [ClusterSecretClientInterceptor(secret: settings.secret, caller: caller)])
            state.clients[peer.key] = client
            starter.yield(client)
            return client
        }
    }

    /// Runs every client made, until ``shutdown()``; then waits for their calls to end.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await client in started {
                group.addTask { [logger] in
                    do {
                        try await client.runConnections()
                    } catch {
                        logger.warning("a peer connection ended with an error", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Stops making clients and closes the open ones gracefully.
    func shutdown() {
        let clients = state.withLock { state in
            state.stopped = true
            return Array(state.clients.values)
        }
        starter.finish()
        for client in clients { client.beginGracefulShutdown() }
    }
}

extension PeerAddress {
    /// A peer is one connection whatever envelope version it reads.
    struct Key: Hashable, Sendable {
        var host: String
        var port: Int
    }

    var key: Key { Key(host: host, port: port) }
}
