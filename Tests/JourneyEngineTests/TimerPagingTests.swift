import Foundation
import JourneyRuntime
import JourneyStorage
import Testing

@testable import JourneyEngine

/// A timer queue with a small memory window, paging from a real store, must fire exactly
/// what a queue holding every timer fires, in the same order — whatever commits and
/// page reads interleave with.
@Suite struct TimerPagingTests {
    static let start = Date(timeIntervalSince1970: 1_709_283_600)

    /// Drives a paged queue the way ``Shard`` does (batch tags, commits, page reads that
    /// start before and finish after other work) beside an unbounded reference queue.
    struct Driver {
        var paged: TimerQueue
        var reference = TimerQueue(window: nil)
        let store: any ShardStore
        var openBatch = 1
        var committedBatch = 0
        var pending: [TimerKey: TimerRequest?] = [:]
        /// A page read that began (base batch, covered-through, the rows) and is not applied yet.
        var readInFlight: (base: Int, after: Date, page: [TimerRequest])?

        init(window: Int, store: any ShardStore) {
            paged = TimerQueue(window: window)
            self.store = store
        }

        mutating func set(_ timer: TimerRequest) {
            paged.insert(timer, batch: openBatch)
            reference.insert(timer, batch: openBatch)
            pending[TimerKey(customerID: timer.customerID, token: timer.token)] = .some(timer)
        }

        mutating func cancel(_ key: TimerKey) {
            paged.remove(key, batch: openBatch)
            reference.remove(key, batch: openBatch)
            pending[key] = .some(nil)
        }

        mutating func commit() async throws {
            let number = openBatch
            openBatch += 1
            try await store.commit(ShardCommit(
                timersSet: pending.values.compactMap { $0 }, timersDeleted: pending.filter { $0.value == nil }.map(\.key)))
            pending = [:]
            committedBatch = number
            paged.settle(through: min(committedBatch, readInFlight?.base ?? .max))
        }

        /// Starts a page read now; it is applied later by ``finishRead()``.
        mutating func beginRead() async throws {
            guard readInFlight == nil, paged.needsPageIn, let after = paged.coveredThrough, let window = paged.window else { return }
            readInFlight = (committedBatch, after, try await store.pendingTimers(after: after, atLeast: window))
        }

        mutating func finishRead() {
            guard let read = readInFlight else { return }
            readInFlight = nil
            if paged.coveredThrough == read.after { paged.pageIn(read.page, complete: read.page.count < paged.window!) }
            paged.settle(through: committedBatch)
        }

        /// Fires what is due at `now`: the reference everything, the paged queue what it has in
        /// memory and pages in — unless `finishReads` is false, when it stops at the first page
        /// read and leaves it in flight (the shard keeps working while a read is under way).
        mutating func fire(now: Date, finishReads: Bool = true) async throws -> (paged: [TimerRequest], reference: [TimerRequest]) {
            var fired: [TimerRequest] = []
            while true {
                fired += paged.popDue(now: now, batch: openBatch)
                guard paged.needsPageIn else { break }
                finishRead()
                try await beginRead()
                guard finishReads else { break }
                finishRead()
            }
            // The shard deletes fired timers in the batch that applies them.
            for timer in fired { pending[TimerKey(customerID: timer.customerID, token: timer.token)] = .some(nil) }
            return (fired, reference.popDue(now: now, batch: openBatch))
        }
    }

    static func stores() throws -> [any ShardStore] {
        [InMemoryShardStore(), try SQLiteShardStore.inMemory()]
    }

    @Test(arguments: [1, 3, 17], [UInt64(1), 2, 3])
    func aPagedQueueFiresWhatAnUnboundedOneFires(window: Int, seed: UInt64) async throws {
        for store in try Self.stores() {
            var driver = Driver(window: window, store: store)
            var random = SplitMix64(seed: seed)
            var now = Self.start
            var token: UInt64 = 0
            var set: [TimerKey] = []
            var pagedFired: [TimerRequest] = []
            var referenceFired: [TimerRequest] = []
            for _ in 0..<1_500 {
                switch random.next() % 10 {
                case 0..<4:
                    token += 1
                    let customer = "c\(random.next() % 40)"
                    // Whole and fractional seconds, with many ties.
                    let offset = Double(random.next() % 200) * (random.next() % 3 == 0 ? 1.25 : 1)
                    driver.set(TimerRequest(customerID: customer, token: token, due: now.addingTimeInterval(offset), journeyID: "j"))
                    set.append(TimerKey(customerID: customer, token: token))
                case 4:
                    if !set.isEmpty { driver.cancel(set[Int(random.next() % UInt64(set.count))]) }
                case 5, 6:
                    try await driver.commit()
                case 7:
                    try await driver.beginRead()
                case 8:
                    driver.finishRead()
                default:
                    now = now.addingTimeInterval(Double(random.next() % 40))
                    let fired = try await driver.fire(now: now, finishReads: random.next() % 2 == 0)
                    pagedFired += fired.paged
                    referenceFired += fired.reference
                    // Only pending timers get cancelled: the paged queue may still hold one the
                    // reference fired, and cancelling it there would be a different script.
                    let gone = Set(fired.reference.map { TimerKey(customerID: $0.customerID, token: $0.token) })
                    set.removeAll { gone.contains($0) }
                    // A read left in flight may hold some back; nothing may come out of order or extra.
                    #expect(referenceFired.starts(with: pagedFired), "window \(window) seed \(seed) at \(now)")
                }
            }
            try await driver.commit()
            let fired = try await driver.fire(now: now.addingTimeInterval(1_000_000))
            #expect(pagedFired + fired.paged == referenceFired + fired.reference, "window \(window) seed \(seed)")
            #expect(referenceFired.count + fired.reference.count > 100, "the script fires timers")
            #expect(driver.paged.hasPending == false)
        }
    }

    @Test func memoryHoldsAtMostTwiceTheWindowAndTheRestComesBackInOrder() async throws {
        let store = try SQLiteShardStore.inMemory()
        var driver = Driver(window: 100, store: store)
        for index in 0..<5_000 {
            driver.set(TimerRequest(customerID: "c\(index)", token: 1, due: Self.start.addingTimeInterval(Double(5_000 - index)), journeyID: "j"))
            if index % 250 == 249 { try await driver.commit() }
            #expect(driver.paged.count <= 200)
        }
        try await driver.commit()
        #expect(driver.paged.unsettledChanges == 0, "committed changes leave the overlay")
        let fired = try await driver.fire(now: Self.start.addingTimeInterval(10_000))
        #expect(fired.paged.count == 5_000)
        #expect(fired.paged == fired.reference)
    }
}
