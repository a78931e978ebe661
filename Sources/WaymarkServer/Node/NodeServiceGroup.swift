import Logging
import ServiceLifecycle
import UnixSignals

/// The service group of a node, single or clustered: the second-signal watcher, the
/// `underCore` services (node-to-node calls), the core (the engine, or the cluster
/// service), then the HTTP server. Groups shut down in reverse order, so the server stops
/// taking requests first, the core drains next, and node-to-node calls stop last: while a
/// draining node hands its shards over, calls for its customers are answered `moved` (and
/// follow the shard) rather than refused.
enum NodeServiceGroup {
    static func configuration(
        core: any Service, underCore: [any Service] = [], application: any Service, signals: [UnixSignal], logger: Logger
    ) -> ServiceGroupConfiguration {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if !signals.isEmpty {
            services.append(.init(service: SecondSignalExit(logger: logger)))
        }
        for service in underCore {
            services.append(.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(.init(service: core, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        services.append(.init(service: application, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.gracefulShutdownSignals = signals
        return configuration
    }
}
