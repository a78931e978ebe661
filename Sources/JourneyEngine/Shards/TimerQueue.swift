import Foundation
import HeapModule
import JourneyRuntime

/// A shard's pending timers, earliest first. Loaded from the store at start,
/// kept in step with every commit. Cancelled timers are dropped lazily when
/// they reach the top, which keeps cancelling O(1).
struct TimerQueue {
    private struct Entry: Comparable {
        let due: Date
        let key: TimerKey

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.due, lhs.key.customerID, lhs.key.token) < (rhs.due, rhs.key.customerID, rhs.key.token)
        }
    }

    private var heap = Heap<Entry>()
    private var live: [TimerKey: TimerRequest] = [:]

    init(_ timers: [TimerRequest] = []) {
        for timer in timers { insert(timer) }
    }

    var count: Int { live.count }

    mutating func insert(_ timer: TimerRequest) {
        let key = TimerKey(customerID: timer.customerID, token: timer.token)
        live[key] = timer
        heap.insert(Entry(due: timer.due, key: key))
    }

    mutating func remove(_ key: TimerKey) {
        live.removeValue(forKey: key)
    }

    /// The earliest live timer's due time.
    mutating func nextDue() -> Date? {
        dropCancelled()
        return heap.min?.due
    }

    /// Removes and returns every live timer due at or before `now`, in due order
    /// (ties by customer id, then token: the order they were set in).
    mutating func popDue(now: Date) -> [TimerRequest] {
        var due: [TimerRequest] = []
        while let top = heap.min, top.due <= now {
            heap.removeMin()
            if let timer = live[top.key], timer.due == top.due {
                live.removeValue(forKey: top.key)
                due.append(timer)
            }
        }
        return due
    }

    private mutating func dropCancelled() {
        while let top = heap.min, live[top.key]?.due != top.due {
            heap.removeMin()
        }
    }
}
