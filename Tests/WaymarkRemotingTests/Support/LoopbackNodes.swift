import Foundation
import GRPCCore
import JourneyEngine
import Logging
import WaymarkRemoting

/// Several actor systems in one process, each with its own gRPC server on loopback,
/// its own routing view and its own connections to the others.
struct LoopbackNode: Sendable {
    let name: String
    let system: WaymarkActorSystem
    let host: TestActorHost
    let routing: FixedPeerRouting
    let transport: GRPCRemoteCallTransport
    let service: RemotingService
    let address: PeerAddress
}

enum LoopbackNodes {
    static let shardCount = 16

    /// Starts `names.count` nodes, runs `body`, and stops them. `settings` can change one
    /// node's settings (its secret, its call timeout).
    ///
    /// Calls get a minute by default. The whole test run shares two cores and a cooperative
    /// pool of two threads, and a loopback call that takes 31 ms alone once ran out of a
    /// 10-second deadline in CI. Tests about deadlines set their own, shorter ones.
    static func with(
        _ names: [String], secret: String = "s3cret",
        settings: (String, inout RemotingSettings) -> Void = { _, _ in },
        _ body: ([LoopbackNode]) async throws -> Void
    ) async throws {
        var nodes: [LoopbackNode] = []
        for name in names {
            var nodeSettings = RemotingSettings(host: "127.0.0.1", port: 0, secret: secret, callTimeout: .seconds(60))
            settings(name, &nodeSettings)
            var logger = Logger(label: "remoting-test")
            logger.logLevel = .warning
            logger[metadataKey: "node.id"] = "\(name)"
            let host = TestActorHost(node: name, shardCount: shardCount)
            let routing = FixedPeerRouting(shardCount: shardCount)
            let transport = GRPCRemoteCallTransport(
                routing: routing, settings: nodeSettings, caller: name, metrics: RemoteCallMetrics(), logger: logger)
            let system = WaymarkActorSystem(transport: transport, host: host)
            host.attach(system)
            let service = RemotingService(settings: nodeSettings, actorSystem: system, transport: transport, queries: nil, logger: logger)
            nodes.append(LoopbackNode(
                name: name, system: system, host: host, routing: routing, transport: transport, service: service,
                address: PeerAddress(host: "0.0.0.0", port: 0)))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in nodes {
                group.addTask { try await node.service.run() }
            }
            var running: [LoopbackNode] = []
            for node in nodes {
                guard let address = await node.service.listening() else { throw TestFailure("node \(node.name) did not start listening") }
                running.append(LoopbackNode(
                    name: node.name, system: node.system, host: node.host, routing: node.routing, transport: node.transport,
                    service: node.service, address: address))
            }
            do {
                try await body(running)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// Gives `shard` to `owner` in every node's truth, and in the views of `refreshing` nodes.
    static func assign(shard: Int, to owner: LoopbackNode?, in nodes: [LoopbackNode], refreshing: [LoopbackNode]? = nil) async {
        for node in nodes {
            node.routing.assign(shard: shard, to: owner?.address)
            if node.name == owner?.name { node.host.take(shard: shard) } else { node.host.drop(shard: shard) }
        }
        for node in refreshing ?? nodes { await node.routing.refresh() }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
