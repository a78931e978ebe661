import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Testing
@testable import WaymarkCluster
import WaymarkTestSupport

/// A transaction whose session the server ends (a node paused or starved past
/// `idle_in_transaction_session_timeout`) must fail, not hang the node: PostgresNIO drops a
/// query sent on a closed connection without ever answering it.
@Suite(.enabled(if: PostgresTestDatabase.shouldRun, "needs WAYMARK_TEST_POSTGRES_URL (set by .ci/run)"), .timeLimit(.minutes(1)))
struct PostgresTransactionTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func aTransactionTheServerEndsFailsAndTheConnectionIsReplaced() async throws {
        let database = try await PostgresTestDatabase.make()
        try await PostgresTestDatabase.withClient(database.url, sessionTimeout: .milliseconds(200)) { client in
            let coordinator = PostgresCoordinator(client: client, logger: logger)
            let error = await #expect(throws: ClusterError.self) {
                try await coordinator.transaction("stall") { connection, logger in
                    try await connection.query("SELECT 1", logger: logger)
                    // Idle in the transaction well past the server's limit: it ends the session.
                    try await Task.sleep(for: .milliseconds(1_500))
                    try await connection.query("SELECT 2", logger: logger)
                }
            }
            #expect(error?.code == .database)
            #expect(error?.context["operation"] == "stall")
            #expect(error?.cause is PostgresTransaction.ConnectionClosed || error?.cause is PSQLError, "\(String(describing: error))")
            // The pool drops the closed connection and opens another. (A statement outside a
            // transaction: the suite's load may stall this test longer than the 200 ms limit.)
            var answers: [Int] = []
            for try await answer in try await client.query("SELECT 3", logger: logger).decode(Int.self) { answers.append(answer) }
            #expect(answers == [3])
        }
    }

    @Test func aFailedBodyRollsBackAndKeepsTheConnectionUsable() async throws {
        let database = try await PostgresTestDatabase.make()
        try await database.withCoordinator { coordinator in
            try await coordinator.join(ClusterNode(incarnation: "a#1", nodeID: "a", advertise: ""), shardCount: 1)
            await #expect(throws: ClusterError.self) {
                try await coordinator.transaction("refused") { connection, logger in
                    try await connection.query("UPDATE waymark_leases SET owner = 'x#1'", logger: logger)
                    throw ClusterError(.fenced, "refused on purpose")
                }
            }
        }
        #expect(try await database.column("SELECT coalesce(owner, '-') FROM waymark_leases") == ["-"], "rolled back")
    }

    @Test func jobsOfATaskPreferringTheExecutorRunOnItsEventLoop() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(loop)
        #expect(!executor.isCurrent)
        let onLoop = await withTaskExecutorPreference(executor) { await Self.isOnLoop(loop) }
        #expect(onLoop)
    }

    /// A nonisolated async function: it runs on the task's preferred executor.
    private static func isOnLoop(_ loop: any EventLoop) async -> Bool {
        await Task.yield()
        return loop.inEventLoop
    }
}
