import Foundation
import HeapModule
import JourneyRuntime

/// A shard's pending timers, earliest first, kept in step with every commit.
///
/// With a `window`, memory holds only the earliest timers — every pending timer due
/// at or before ``coveredThrough`` — and the rest wait in the store until the ones in
/// memory have fired and the next page is read (``pageIn(_:complete:)``). A shard that
/// ten million customers pass through, each leaving a timer weeks out, then keeps a
/// bounded number of timers in memory instead of all of them. Without a window
/// (the simulator) everything stays in memory and the store is never read again.
///
/// A page is read while the shard goes on working, so it can miss changes whose
/// commit had not landed when the read began. Every change is therefore also kept in
/// an overlay, tagged with the commit batch it belongs to, until that batch is
/// committed and no read older than it is under way; a page is always corrected by
/// the overlay. Cancelled timers are dropped lazily when they reach the top of the heap.
///
/// Boundaries compare `timeIntervalSince1970`, the number the store keeps and queries.
struct TimerQueue {
    private struct Entry: Comparable {
        let due: Date
        let key: TimerKey

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.due, lhs.key.customerID, lhs.key.token) < (rhs.due, rhs.key.customerID, rhs.key.token)
        }
    }

    /// Timers kept in memory at most between pages (twice this before the farthest are let go).
    let window: Int?
    private var heap = Heap<Entry>()
    private var live: [TimerKey: TimerRequest] = [:]
    /// Every pending timer due at or before this is in memory; nil when all of them are.
    private(set) var coveredThrough: Date?
    /// Changes (a timer set, or nil for removed) not yet known to be visible to a page read.
    private var overlay: [TimerKey: (timer: TimerRequest?, batch: Int)] = [:]

    init(window: Int? = nil) {
        self.window = window.map { max(1, $0) }
    }

    /// Starts from the earliest pending timers (all of them when `complete`).
    /// Sized and heapified at once: a shard recovers a whole window of timers (25,000 by
    /// default) here, and growing the table and sifting up one timer at a time made this
    /// the largest part of recovery after reading the rows.
    init(window: Int?, loaded timers: [TimerRequest], complete: Bool) {
        self.init(window: window)
        live.reserveCapacity(timers.count)
        var entries: [Entry] = []
        entries.reserveCapacity(timers.count)
        for timer in timers {
            let key = TimerKey(customerID: timer.customerID, token: timer.token)
            live[key] = timer
            entries.append(Entry(due: timer.due, key: key))
        }
        heap = Heap(entries)
        coveredThrough = complete || window == nil ? nil : timers.last?.due
    }

    /// Timers in memory.
    var count: Int { live.count }

    /// The timers in memory, in no particular order.
    var pending: [TimerRequest] { Array(live.values) }

    /// Whether any timer is pending, in memory or still in the store.
    var hasPending: Bool { !live.isEmpty || coveredThrough != nil }

    /// Every timer in memory has fired and more wait in the store: the next page must be read
    /// before the next due time is known.
    var needsPageIn: Bool { live.isEmpty && coveredThrough != nil }

    /// Changes waiting for their batch to settle (for tests and metrics).
    var unsettledChanges: Int { overlay.count }

    mutating func insert(_ timer: TimerRequest, batch: Int) {
        let key = TimerKey(customerID: timer.customerID, token: timer.token)
        guard window != nil else { return keep(timer) }
        overlay[key] = (timer, batch)
        if isCovered(timer.due) {
            keep(timer)
            spillIfOverWindow()
        } else {
            // Due after the covered range: it waits in the store (and the overlay) for its page.
            live.removeValue(forKey: key)
        }
    }

    mutating func remove(_ key: TimerKey, batch: Int) {
        live.removeValue(forKey: key)
        if window != nil { overlay[key] = (nil, batch) }
    }

    /// The earliest timer's due time among those in memory.
    mutating func nextDue() -> Date? {
        dropCancelled()
        return heap.min?.due
    }

    /// Removes and returns every timer in memory due at or before `now`, in due order
    /// (ties by customer id, then token: the order they were set in).
    mutating func popDue(now: Date, batch: Int) -> [TimerRequest] {
        var due: [TimerRequest] = []
        while let top = heap.min, top.due <= now {
            heap.removeMin()
            // Removed at once rather than looked up first, which hashed the key twice: almost
            // every entry that reaches the top is live. A stale one (cancelled) is not there.
            guard let timer = live.removeValue(forKey: top.key) else { continue }
            guard timer.due == top.due else {
                live[top.key] = timer
                continue
            }
            // Fired: a page read before its deletion commits must not bring it back.
            if window != nil { overlay[top.key] = (nil, batch) }
            due.append(timer)
        }
        return due
    }

    /// Takes in a page read from the store: the earliest pending timers due after
    /// ``coveredThrough``, ties never split; `complete` when none are left after them.
    mutating func pageIn(_ page: [TimerRequest], complete: Bool) {
        let covered = complete ? nil : page.last?.due ?? coveredThrough
        coveredThrough = covered
        for timer in page where overlay[TimerKey(customerID: timer.customerID, token: timer.token)] == nil {
            keep(timer)
        }
        for (key, change) in overlay {
            if let timer = change.timer, isCovered(timer.due) {
                if live[key] != timer { keep(timer) }
            } else {
                live.removeValue(forKey: key)
            }
        }
    }

    /// Batches up to `batch` are committed and every page read from now on sees them.
    mutating func settle(through batch: Int) {
        guard !overlay.isEmpty else { return }
        overlay = overlay.filter { $0.value.batch > batch }
    }

    /// A batch failed to commit: its changes will be made again when its work is retried.
    mutating func discard(batch: Int) {
        guard !overlay.isEmpty else { return }
        overlay = overlay.filter { $0.value.batch != batch }
    }

    private func isCovered(_ due: Date) -> Bool {
        guard let coveredThrough else { return true }
        return due.timeIntervalSince1970 <= coveredThrough.timeIntervalSince1970
    }

    private mutating func keep(_ timer: TimerRequest) {
        let key = TimerKey(customerID: timer.customerID, token: timer.token)
        live[key] = timer
        heap.insert(Entry(due: timer.due, key: key))
    }

    /// Lets the farthest timers go back to the store once memory holds twice the window;
    /// the uncommitted ones among them are still in the overlay.
    private mutating func spillIfOverWindow() {
        guard let window, live.count > 2 * window else { return }
        let dues = live.values.map(\.due.timeIntervalSince1970).sorted()
        let boundary = dues[window - 1]
        live = live.filter { $0.value.due.timeIntervalSince1970 <= boundary }
        heap = Heap(live.map { Entry(due: $0.value.due, key: $0.key) })
        coveredThrough = Date(timeIntervalSince1970: boundary)
    }

    private mutating func dropCancelled() {
        while let top = heap.min, live[top.key]?.due != top.due {
            heap.removeMin()
        }
    }
}
