import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import JourneyEngine
import Logging
import ServiceLifecycle
import Synchronization

/// A node's part in node-to-node calls, as one service: the gRPC server that runs
/// calls from other nodes on this node's actors, the connections to the other
/// nodes, and the routing upkeep (publishing this node's address, refreshing who
/// owns what).
///
/// On graceful shutdown it stops accepting calls, lets calls in flight finish, and
/// closes its connections; it runs until then.
public final class RemotingService: Service, Sendable {
    public let settings: RemotingSettings
    public let transport: GRPCRemoteCallTransport
    let actorSystem: WaymarkActorSystem
    let queries: (any NodeQueryHandler)?
    let logger: Logger
    private let bound = Mutex<PeerAddress?>(nil)
    private let boundSignal: AsyncStream<PeerAddress>
    private let boundContinuation: AsyncStream<PeerAddress>.Continuation

    /// - Parameters:
    ///   - transport: the transport `actorSystem` sends with (its clients run here).
    ///   - advertiseHost: the host peers reach this node at (its port is the one bound).
    public init(
        settings: RemotingSettings, actorSystem: WaymarkActorSystem, transport: GRPCRemoteCallTransport,
        queries: (any NodeQueryHandler)?, logger: Logger
    ) {
        self.settings = settings
        self.actorSystem = actorSystem
        self.transport = transport
        self.queries = queries
        self.logger = logger
        (boundSignal, boundContinuation) = AsyncStream<PeerAddress>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The address peers reach this node at, once the server listens.
    public var address: PeerAddress? { bound.withLock { $0 } }

    /// Waits until the server listens, and returns the address peers reach it at.
    public func listening() async -> PeerAddress? {
        if let address { return address }
        for await address in boundSignal { return address }
        return address
    }

    public func run() async throws {
        let serverTransport = HTTP2ServerTransport.Posix(
            address: settings.host.contains(":") ? .ipv6(host: settings.host, port: settings.port) : .ipv4(host: settings.host, port: settings.port),
            transportSecurity: settings.serverSecurity)
        let server = GRPCServer(
            transport: serverTransport,
            services: [NodeService(actorSystem: actorSystem, queries: queries, metrics: transport.metrics, logger: logger)],
            interceptors: [ClusterSecretServerInterceptor(secret: Array(settings.secret.utf8), logger: logger)])
        let clients = transport.clients
        let logger = logger
        // A graceful stop that never ends is a node that never exits: the server and the peer
        // clients get `shutdownGrace` to close their connections, then they are cancelled.
        try await withThrowingTaskGroup(of: Bool.self) { bounded in
            bounded.addTask {
                try await self.serve(server: server, serverTransport: serverTransport, clients: clients)
                return true
            }
            bounded.addTask {
                try await gracefulShutdown()
                try await Task.sleep(for: Self.shutdownGrace)
                return false
            }
            let finished = try await bounded.next() ?? true
            if !finished {
                logger.warning("node-to-node connections did not close within the grace period; closing them now", metadata: [
                    "grace": "\(Self.shutdownGrace)"
                ])
            }
            bounded.cancelAll()
        }
    }

    /// How long a graceful stop waits for open node-to-node connections to close.
    static let shutdownGrace: Duration = .seconds(5)

    private func serve(server: GRPCServer<HTTP2ServerTransport.Posix>, serverTransport: HTTP2ServerTransport.Posix, clients: PeerClients) async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                group.addTask { await clients.run() }
                let socket = try await serverTransport.listeningAddress
                let port = socket.ipv4?.port ?? socket.ipv6?.port ?? settings.port
                let address = PeerAddress(host: settings.advertiseHost ?? settings.host, port: port)
                bound.withLock { $0 = address }
                boundContinuation.yield(address)
                logger.info("node-to-node calls listening", metadata: [
                    "peer.address": "\(address)", "grpc.bind": "\(settings.host):\(port)", "grpc.tls": "\(settings.tls != nil)",
                ])
                let routing = transport.routing
                // Upkeep runs until shutdown begins; calls in flight may still follow moved shards.
                group.addTask {
                    await cancelWhenGracefulShutdown { await routing.maintain(listening: address) }
                }
            }
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
            clients.shutdown()
        }
    }
}
