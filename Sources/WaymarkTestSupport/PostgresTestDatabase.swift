import Foundation
import Logging
import PostgresNIO
import WaymarkCluster

/// A fresh database on the PostgreSQL server named by `WAYMARK_TEST_POSTGRES_URL`
/// (`.ci/run` starts one). Without the variable, tests that need it are skipped on a
/// developer's machine and FAIL under CI (`CI=true`): CI must never pass by not testing.
public struct PostgresTestDatabase: Sendable {
    public static let variable = "WAYMARK_TEST_POSTGRES_URL"

    public static var serverURL: String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isCI: Bool {
        ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
    }

    /// Whether a test needing PostgreSQL runs: when a server is configured, or under CI (where it then fails).
    public static var shouldRun: Bool { serverURL != nil || isCI }

    public let url: String
    public let name: String

    /// Creates an empty database with a unique name and returns its URL.
    public static func make() async throws -> PostgresTestDatabase {
        guard let server = serverURL else {
            throw ClusterError(.invalidConfiguration, "\(variable) is not set: .ci/run starts PostgreSQL and sets it (cluster/postgres.sh)")
        }
        let name = "waymark_test_\(UInt32.random(in: 0...UInt32.max))_\(ProcessInfo.processInfo.processIdentifier)"
        try await withClient(server) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        var components = URLComponents(string: server)!
        components.path = "/\(name)"
        return PostgresTestDatabase(url: components.string!, name: name)
    }

    /// How long the server lets a test's session sit idle in a transaction. A test shares two
    /// cores with the rest of the suite, where CPU-bound tests can hold both cooperative threads
    /// for seconds; the nodes' default (a third of the lease) would end the sessions of tests
    /// that are merely waiting for a thread. Tests of that limit set their own.
    public static let sessionTimeout = Duration.seconds(30)

    /// Runs `body` with a running client for `url`. The client's pool is stopped by cancelling its
    /// task, which is not awaited: a pool cancelled before it got going must not hang the test.
    public static func withClient<Result: Sendable>(
        _ url: String, sessionTimeout: Duration = sessionTimeout, _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let client = try PostgresCoordinator.makeClient(url: url, sessionTimeout: sessionTimeout, logger: logger)
        let pool = Task.detached { await client.run() }
        defer { pool.cancel() }
        return try await body(client)
    }

    /// Runs `body` with a coordinator on this database.
    public func withCoordinator<Result: Sendable>(_ body: @Sendable (PostgresCoordinator) async throws -> Result) async throws -> Result {
        try await Self.withClient(url) { client in
            try await body(PostgresCoordinator(client: client, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        }
    }

    /// Runs a query and returns the first column of every row as text.
    public func column(_ sql: String) async throws -> [String] {
        try await Self.withClient(url) { client in
            var values: [String] = []
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(String.self) { values.append(value) }
            return values
        }
    }
}
