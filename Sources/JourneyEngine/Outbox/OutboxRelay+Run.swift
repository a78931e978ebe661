import Foundation
import JourneyRuntime

extension OutboxRelay {
    /// Delivers until cancelled, without passes: a customer's lane starts as soon as a slot is
    /// free and their sends are due, whatever the other lanes are doing.
    ///
    /// Rounds that waited for every lane of a batch let one slow receiver (a webhook that
    /// times out after ten seconds) hold every send committed meanwhile on the shard, on
    /// every channel. Here each wake-up (a commit's ``notify()``, a lane finishing, or the
    /// poll interval) records what finished lanes delivered, in one transaction, and then
    /// starts lanes for customers not in flight, up to ``Configuration/concurrentCustomers``.
    /// A customer is in flight until their outcomes are recorded, so a send is never read
    /// as due again while it is being delivered, and one customer's sends stay in order.
    ///
    /// Stopping (cancellation) lets attempts under way finish, then records their outcomes.
    public func run() async {
        // A plain task group rather than a discarding one, which has had crashes on cancellation
        // (swiftlang/swift#80808): each recorded lane's child has returned or is returning, so
        // awaiting that many children keeps the group from holding finished ones.
        await withTaskGroup(of: Void.self) { group in
            while !Task.isCancelled {
                let recorded = await recordFinishedLanes()
                for _ in 0..<recorded { await group.next() }
                let free = configuration.concurrentCustomers - lanesInFlight.count
                if free > 0 {
                    for lane in await dueLanes().prefix(free) {
                        let customer = lane[0].message.customerID
                        lanesInFlight[customer] = lane.count
                        group.addTask { await self.runLane(lane, customer: customer) }
                    }
                }
                await waitForWork()
            }
            await group.waitForAll()
        }
        // Every lane has ended: record what the last ones delivered.
        await recordFinishedLanes()
    }

    /// Delivers one customer's lane, then hands its outcomes to the loop and wakes it.
    private func runLane(_ lane: [OutboxEntry], customer: String) async {
        let updates = await deliver(lane)
        finishedLanes.append((customer, updates))
        wakeup.ring()
    }

    /// Records the outcomes of the lanes that finished, then frees their customers; returns
    /// how many lanes that was.
    @discardableResult
    private func recordFinishedLanes() async -> Int {
        guard !finishedLanes.isEmpty else { return 0 }
        let finished = finishedLanes
        finishedLanes = []
        await record(finished.flatMap(\.updates))
        for lane in finished { lanesInFlight[lane.customer] = nil }
        return finished.count
    }

    /// Due sends of the customers not in flight, grouped into lanes. The read reaches past
    /// the sends held by lanes in flight (still pending in the store), so those cannot hide
    /// the rest.
    private func dueLanes() async -> [[OutboxEntry]] {
        let held = lanesInFlight.values.reduce(0, +)
        let due: [OutboxEntry]
        do {
            due = try await store.dueOutbox(now: clock.now(), limit: 256 + held)
        } catch {
            logger.error("reading the outbox failed", metadata: ["error": "\(error)"])
            return []
        }
        return Self.lanesByCustomer(due.filter { lanesInFlight[$0.message.customerID] == nil })
    }

    /// Returns at a ring of the wakeup (a commit, a lane finishing) or after the poll interval,
    /// when retries may have become due.
    private func waitForWork() async {
        let clock = clock
        let wakeup = wakeup
        let poll = clock.now().addingTimeInterval(configuration.pollInterval)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(until: poll) }
            group.addTask { await wakeup.wait() }
            await group.next()
            group.cancelAll()
        }
    }
}
