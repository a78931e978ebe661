import JourneyEngine
import Testing

/// The doorbell's promise: a ring ends exactly one wait (which says so) or stays pending,
/// and cancelling a wait neither drops a ring nor makes one up.
@Suite struct WakeupTests {
    /// A wait in a task that is cancelled before it starts waiting.
    static func cancelledWait(_ wakeup: Wakeup) async -> Bool {
        await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await wakeup.wait()
        }.value
    }

    /// Whether a fresh wait is still waiting after a tenth of a second. A wait that should
    /// not return never does, so this cannot pass by being slow; it is cancelled afterwards.
    static func staysWaiting(_ wakeup: Wakeup) async -> Bool {
        let waiting = Task { await wakeup.wait() }
        let returned = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = await waiting.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(100))
                return false
            }
            let first = await group.next() ?? false
            waiting.cancel()
            await group.waitForAll()
            return first
        }
        return !returned
    }

    @Test func aRingMadeBeforeTheWaitEndsIt() async {
        let wakeup = Wakeup()
        wakeup.ring()
        #expect(await wakeup.wait())
        #expect(await Self.staysWaiting(wakeup), "one ring ended two waits")
    }

    @Test func aRingWakesTheWaitingTask() async {
        let wakeup = Wakeup()
        let waiting = Task { await wakeup.wait() }
        try? await Task.sleep(for: .milliseconds(20))
        wakeup.ring()
        #expect(await waiting.value)
    }

    /// The relay's wait races a commit's ring against a lane's; the child that loses is
    /// cancelled, often before it ran. Its wait must hand over the ring it finds.
    @Test func aCancelledWaitTakesAPendingRingAndSaysSo() async {
        let wakeup = Wakeup()
        wakeup.ring()
        #expect(await Self.cancelledWait(wakeup), "the ring was dropped")
        #expect(await Self.staysWaiting(wakeup))
    }

    @Test func cancellingAWaitMakesUpNoRing() async {
        let wakeup = Wakeup()
        #expect(await Self.cancelledWait(wakeup) == false)
        let waiting = Task { await wakeup.wait() }
        try? await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        #expect(await waiting.value == false)
        #expect(await Self.staysWaiting(wakeup), "a cancelled wait left a ring behind")
        wakeup.ring()
        #expect(await wakeup.wait())
    }
}
