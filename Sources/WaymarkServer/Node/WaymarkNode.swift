import AsyncHTTPClient
import Foundation
import Hummingbird
import JourneyEngine
import JourneyRuntime
import JourneyStorage
import Logging
import ServiceLifecycle

/// A running Waymark node: the engine, its stores, and the HTTP server, run
/// together by one service group.
///
/// The group lists the engine before the server, and a service group shuts
/// down in reverse order: on SIGTERM the server stops taking requests and
/// finishes those in flight first, then the engine stops intake, applies and
/// commits everything accepted, and the stores are closed last.
public final class WaymarkNode: Service, Sendable {
    public let configuration: NodeConfiguration
    public let engine: JourneyEngine
    public let stats: JourneyStats
    public let metrics: NodeMetrics
    let stores: [SQLiteShardStore]
    let serviceGroup: ServiceGroup
    let listening: ListeningPort
    let logger: Logger

    init(
        configuration: NodeConfiguration, engine: JourneyEngine, stats: JourneyStats, metrics: NodeMetrics, stores: [SQLiteShardStore],
        serviceGroup: ServiceGroup, listening: ListeningPort, logger: Logger
    ) {
        self.configuration = configuration
        self.engine = engine
        self.stats = stats
        self.metrics = metrics
        self.stores = stores
        self.serviceGroup = serviceGroup
        self.listening = listening
        self.logger = logger
    }

    /// Runs until graceful shutdown (a signal, or ``triggerGracefulShutdown()``), then closes the stores.
    public func run() async throws {
        do {
            try await serviceGroup.run()
        } catch {
            closeStores()
            throw error
        }
        closeStores()
        logger.info("node stopped")
    }

    /// What SIGTERM does: stop the server, drain the engine, close the stores.
    public func triggerGracefulShutdown() async {
        await serviceGroup.triggerGracefulShutdown()
    }

    /// The port the server listens on, once it does (useful with port 0).
    public func port() async -> Int {
        await listening.wait()
    }

    private func closeStores() {
        for store in stores {
            do {
                try store.close()
            } catch {
                logger.error("closing a shard store failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
