import Logging
import ServiceLifecycle
import UnixSignals

/// The service group of a node, single or clustered: the second-signal watcher, the
/// core (the engine, or the cluster service), the `between` services (node-to-node calls),
/// then the HTTP server. Groups shut down in reverse order, so the server stops taking
/// requests first, node-to-node calls stop next, and the core drains after them.
enum NodeServiceGroup {
    static func configuration(
        core: any Service, between: [any Service] = [], application: any Service, signals: [UnixSignal], logger: Logger
    ) -> ServiceGroupConfiguration {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if !signals.isEmpty {
            services.append(.init(service: SecondSignalExit(logger: logger)))
        }
        services.append(.init(service: core, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        for service in between {
            services.append(.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        services.append(.init(service: application, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.gracefulShutdownSignals = signals
        return configuration
    }
}
