import ArgumentParser
import Foundation
import Logging
import WaymarkServer

extension Waymark {
    /// `waymark serve`: runs a node until SIGTERM or SIGINT (a second signal exits at once).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a Waymark node: HTTP API, journeys, timers and channel delivery.",
            discussion: """
                Without --config the node uses ./data, port 8080 and ./journeys, and binds to 127.0.0.1 only. \
                Command-line options override the config file. See docs/configuration.md.
                """
        )

        @Option(help: "A YAML config file (docs/waymark.example.yaml).")
        var config: String?

        @Option(help: "The data directory (default ./data).")
        var data: String?

        @Option(help: "The HTTP port (default 8080; 0 picks a free one).")
        var port: Int?

        @Option(help: "The journeys folder deployed at start (default ./journeys).")
        var journeys: String?

        @Option(help: "The interface to bind (default 127.0.0.1).")
        var host: String?

        @Option(help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel: String = "info"

        func validate() throws {
            if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
            if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        }

        func run() async throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "waymark")
            var configuration: NodeConfiguration
            do {
                configuration = try config.map(NodeConfiguration.load(file:)) ?? NodeConfiguration()
            } catch let error as ConfigurationError {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(2)
            }
            if let data { configuration.dataDirectory = data }
            if let port { configuration.port = port }
            if let journeys { configuration.journeysDirectory = journeys }
            if let host { configuration.host = host }
            let node: WaymarkNode
            do {
                node = try await buildApplication(configuration, options: NodeOptions(gracefulShutdownSignals: [.sigterm, .sigint]), logger: logger)
            } catch {
                FileHandle.standardError.write(Data("waymark serve: \(error)\n".utf8))
                throw ExitCode(1)
            }
            try await node.run()
        }
    }
}
