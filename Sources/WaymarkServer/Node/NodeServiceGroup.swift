import Logging
import ServiceLifecycle
import UnixSignals

/// The service group of a node, single or clustered: the second-signal watcher, the
/// core (the engine, or the cluster service), then the HTTP server. Groups shut down in
/// reverse order, so the server stops taking requests first and the core drains after it.
enum NodeServiceGroup {
    static func configuration(
        core: any Service, application: any Service, signals: [UnixSignal], logger: Logger
    ) -> ServiceGroupConfiguration {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if !signals.isEmpty {
            services.append(.init(service: SecondSignalExit(logger: logger)))
        }
        services.append(.init(service: core, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        services.append(.init(service: application, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.gracefulShutdownSignals = signals
        return configuration
    }
}
