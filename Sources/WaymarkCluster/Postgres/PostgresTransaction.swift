import Logging
import NIOCore
import PostgresNIO

/// One open transaction on a connection leased from the pool: the only way coordinator code
/// talks to PostgreSQL inside a transaction.
///
/// Why not `PostgresClient.withTransaction`: PostgresNIO 1.33 hands a query to its channel
/// without a write promise. On a connection that is already closed, whose handlers NIO has
/// removed, the query is dropped and its caller waits forever. A connection closes under a
/// transaction whenever the server ends a session idle in it for longer than
/// `idle_in_transaction_session_timeout`, which is exactly what happens to a node paused or
/// starved mid-transaction (the timeout is there so such a node cannot pin a lease row). The
/// whole node then hung on its next statement, or on the ROLLBACK after it.
///
/// So every statement, BEGIN, COMMIT and ROLLBACK included, checks the connection and sends
/// the query in one job on the connection's event loop (``EventLoopTaskExecutor``): a channel
/// that is still active there still has its handler, which answers every query it is given,
/// with an error if the connection is closing. A closed connection fails the statement at once
/// with ``ConnectionClosed`` (the coordinator reports it as a `database` error naming the
/// operation), and the ROLLBACK is skipped: the server has rolled back.
struct PostgresTransaction: Sendable {
    let connection: PostgresConnection
    private let executor: EventLoopTaskExecutor

    init(_ connection: PostgresConnection) {
        self.connection = connection
        self.executor = EventLoopTaskExecutor(connection.eventLoop)
    }

    /// Runs `body` between BEGIN and COMMIT; a failure in `body` rolls back and is rethrown as is.
    static func run<Result: Sendable>(
        on connection: PostgresConnection, logger: Logger,
        _ body: @Sendable (PostgresTransaction) async throws -> Result
    ) async throws -> Result {
        let transaction = PostgresTransaction(connection)
        try await transaction.query("BEGIN", logger: logger)
        let result: Result
        do {
            result = try await body(transaction)
        } catch {
            if !connection.isClosed { _ = try? await transaction.query("ROLLBACK", logger: logger) }
            throw error
        }
        try await transaction.query("COMMIT", logger: logger)
        return result
    }

    /// Sends one statement, or throws at once if the connection has closed.
    @discardableResult
    func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        let connection = connection
        return try await withTaskExecutorPreference(executor) {
            guard !connection.isClosed else { throw ConnectionClosed() }
            return try await connection.query(query, logger: logger)
        }
    }

    /// The connection closed under the transaction; nothing of it was committed.
    struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String {
            "the connection closed in the middle of the transaction (PostgreSQL ends a session idle in one for too long), and the server rolled it back"
        }
    }
}
