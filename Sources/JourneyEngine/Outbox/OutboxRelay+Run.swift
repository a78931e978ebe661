import Foundation
import JourneyRuntime

extension OutboxRelay {
    /// Delivers until cancelled. A customer's lane starts as soon as a slot is free, whatever
    /// the other lanes are doing.
    ///
    /// Rounds that waited for every lane of a batch let one slow receiver (a webhook that
    /// times out after ten seconds) hold every send committed meanwhile on the shard, on
    /// every channel. Here lanes are read a page at a time (``pageSize`` due sends) and started
    /// as slots free up, up to ``Configuration/concurrentCustomers``; the store is read again
    /// when the page is used up and more may be due (a commit's ``notify()``, the poll, or a
    /// full page last time). Outcomes are recorded together, in one transaction, once no lane
    /// is running, once a page's worth are waiting, or at most ``recordWithin`` after the oldest
    /// finished. A customer is in flight until their outcomes are recorded, so a send is never
    /// read as due again while it is being delivered, and one customer's sends stay in order.
    ///
    /// Stopping (cancellation) lets attempts under way finish, then records their outcomes.
    public func run() async {
        var page: ArraySlice<[OutboxEntry]> = []
        var moreDue = true
        // Whether a read left out sends of busy customers: they are due once those are recorded.
        var deferred = false
        // A plain task group rather than a discarding one, which has had crashes on cancellation
        // (swiftlang/swift#80808): each recorded lane's child has returned or is returning, so
        // awaiting that many children keeps the group from holding finished ones.
        await withTaskGroup(of: Void.self) { group in
            while !Task.isCancelled {
                if shouldRecord(now: clock.now()) {
                    for _ in 0..<(await recordFinishedLanes()) { await group.next() }
                    if deferred { (moreDue, deferred) = (true, false) }
                }
                // A finished lane frees its slot at once; its customer stays busy until recorded.
                while lanesInFlight.count - finishedLanes.count < configuration.concurrentCustomers {
                    if page.isEmpty {
                        guard moreDue else { break }
                        let read = await dueLanes()
                        page = read.lanes[...]
                        moreDue = read.fullPage
                        deferred = deferred || read.leftOutBusy
                        if page.isEmpty { break }
                    }
                    let lane = page.removeFirst()
                    // Each customer is in one lane of a page, and pages are read without busy customers.
                    let customer = lane[0].message.customerID
                    lanesInFlight[customer] = lane.count
                    group.addTask { await self.runLane(lane, customer: customer) }
                }
                if await waitForWork() { moreDue = true }
            }
            await group.waitForAll()
        }
        // Every lane has ended: record what the last ones delivered.
        await recordFinishedLanes()
    }

    /// Due sends read at once, and outcomes that make a transaction worth writing without waiting.
    public static let pageSize = 256

    /// How long finished outcomes may wait for others to share their transaction.
    static let recordWithin: TimeInterval = 0.05

    /// Delivers one customer's lane, then hands its outcomes to the loop and wakes it.
    private func runLane(_ lane: [OutboxEntry], customer: String) async {
        let updates = await deliver(lane)
        if finishedLanes.isEmpty { oldestUnrecorded = clock.now() }
        finishedLanes.append((customer, updates))
        laneFinished.ring()
    }

    /// Whether to record now: no lane is running, many outcomes wait, or the oldest waited long enough.
    private func shouldRecord(now: Date) -> Bool {
        guard !finishedLanes.isEmpty else { return false }
        let running = lanesInFlight.count - finishedLanes.count
        let waiting = finishedLanes.reduce(0) { $0 + $1.updates.count }
        return running == 0 || waiting >= Self.pageSize || now >= (oldestUnrecorded ?? now).addingTimeInterval(Self.recordWithin)
    }

    /// Records the outcomes of the lanes that finished, then frees their customers; returns
    /// how many lanes that was.
    @discardableResult
    private func recordFinishedLanes() async -> Int {
        guard !finishedLanes.isEmpty else { return 0 }
        let finished = finishedLanes
        finishedLanes = []
        oldestUnrecorded = nil
        await record(finished.flatMap(\.updates))
        for lane in finished { lanesInFlight[lane.customer] = nil }
        return finished.count
    }

    /// A page of due sends of the customers not in flight, grouped into lanes; whether the page
    /// was full (more may be due); whether it left out sends of customers in flight. The read
    /// reaches past the sends held by lanes in flight (still pending in the store), so those
    /// cannot hide the rest.
    private func dueLanes() async -> (lanes: [[OutboxEntry]], fullPage: Bool, leftOutBusy: Bool) {
        let held = lanesInFlight.values.reduce(0, +)
        let limit = Self.pageSize + held
        let due: [OutboxEntry]
        do {
            due = try await store.dueOutbox(now: clock.now(), limit: limit)
        } catch {
            logger.error("reading the outbox failed", metadata: ["error": "\(error)"])
            return ([], false, false)
        }
        let free = due.filter { lanesInFlight[$0.message.customerID] == nil }
        return (Self.lanesByCustomer(free), due.count == limit, free.count < due.count)
    }

    /// Waits for a commit's ring, a lane finishing, the poll interval (retries may have
    /// become due), or the moment finished outcomes should be recorded. True when more sends
    /// may be due in the store (a commit or the poll), false for a lane or the record timer.
    private func waitForWork() async -> Bool {
        let poll = clock.now().addingTimeInterval(configuration.pollInterval)
        let recordBy = oldestUnrecorded.map { $0.addingTimeInterval(Self.recordWithin) }
        return await Self.waitForWork(commits: wakeup, lanes: laneFinished, clock: clock, poll: poll, recordBy: recordBy)
    }

    /// The wait of ``waitForWork()``, apart from the relay so that it can be tested alone.
    ///
    /// Every child's answer counts, not only the first one's. A commit's ring taken by a child
    /// whose answer was dropped (a lane finished at the same moment, and its `false` came
    /// first) left the commit's sends unread until the next commit or the poll: up to a
    /// second after a burst, and a few tens of milliseconds under steady load.
    static func waitForWork(commits: Wakeup, lanes: Wakeup, clock: any JourneyClock, poll: Date, recordBy: Date?) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await commits.wait() }
            group.addTask {
                await lanes.wait()
                return false
            }
            group.addTask {
                let (deadline, isPoll) = if let recordBy, recordBy < poll { (recordBy, false) } else { (poll, true) }
                do {
                    try await clock.sleep(until: deadline)
                } catch {
                    // Cancelled: the poll counts only if its moment had come anyway.
                    return isPoll && clock.now() >= deadline
                }
                return isPoll
            }
            var more = await group.next() ?? false
            group.cancelAll()
            while let other = await group.next() { more = more || other }
            return more
        }
    }
}
