import Foundation
import JourneyRuntime

extension Shard {
    /// Reads the next page of timers from the store once every timer in memory has fired
    /// and more wait there (a shard with a timer window only). Returns whether a page was read.
    ///
    /// The shard keeps working during the read; changes it makes meanwhile are in the
    /// queue's overlay, which corrects the page. If the memory window moved during the
    /// read (enough timers were set to spill), the page no longer fits and is dropped;
    /// the next call reads again.
    @discardableResult
    public func pageInTimersIfNeeded() async throws -> Bool {
        guard timers.needsPageIn, pageReadBase == nil, let window = timers.window, let after = timers.coveredThrough else { return false }
        pageReadBase = committedBatch
        defer {
            pageReadBase = nil
            timers.settle(through: committedBatch)
        }
        let page = try await store.pendingTimers(after: after, atLeast: window)
        guard timers.coveredThrough == after else { return false }
        timers.pageIn(page, complete: page.count < window)
        logger.debug("timers paged in", metadata: ["timers.paged": "\(page.count)", "timers.memory": "\(timers.count)"])
        if timers.nextDue() != nil { timerWakeup.ring() }
        return true
    }
}
