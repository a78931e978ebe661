import NIOCore

/// Runs a task's jobs on one NIO event loop, so that a check of a channel's state and a write
/// to that channel happen in one turn of its loop with nothing in between (see
/// ``PostgresTransaction``). Used as a task executor preference, never as an actor's executor.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { [self] in
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Whether the caller runs on this executor's loop (for tests).
    var isCurrent: Bool { eventLoop.inEventLoop }
}
