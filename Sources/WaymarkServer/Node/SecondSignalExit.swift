import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Exits the process at once on the second SIGTERM or SIGINT, for an operator
/// who will not wait for a graceful drain. Nothing acknowledged is lost: an
/// event is acknowledged only after the inbox transaction holding it
/// committed, and the next start applies whatever was still unapplied.
///
/// It runs first in the service group, so it is the last service asked to
/// stop, and keeps listening while the others drain.
struct SecondSignalExit: Service, CustomStringConvertible {
    let logger: Logger

    var description: String { "SecondSignalExit" }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var seen = 0
                for await signal in signals {
                    seen += 1
                    if seen == 1 {
                        logger.notice("signal received: shutting down gracefully; send it again to exit at once", metadata: ["signal": "\(signal)"])
                    } else {
                        logger.warning("second signal: exiting now without draining", metadata: ["signal": "\(signal)"])
                        fflush(nil)  // every stream: what was printed still reaches its pipe
                        _exit(signal == .sigint ? 130 : 143)
                    }
                }
            }
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            group.cancelAll()
        }
    }
}
