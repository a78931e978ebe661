import Distributed
import Foundation
import JourneyEngine
import Testing
import WaymarkRemoting

/// Actor systems in one process calling each other's actors over loopback gRPC.
@Suite(.timeLimit(.minutes(2)))
struct RemoteActorCallTests {
    @Test func resolveGivesTheLocalActorOnTheOwnerAndAProxyElsewhere() async throws {
        try await LoopbackNodes.with(["a", "b"]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let id = CustomerActorID(customerID: "resolve-1")
            await LoopbackNodes.assign(shard: b.routing.shard(of: id), to: b, in: nodes)
            // Activated on its owner (as a shard does), it is the resident local actor there.
            _ = try await b.host.activate(id)
            let onOwner = try Recorder.resolve(id: id, using: b.system)
            #expect(await onOwner.whenLocal { _ in true } == true)
            let elsewhere = try Recorder.resolve(id: id, using: a.system)
            #expect(await elsewhere.whenLocal { _ in true } == nil)
            #expect(try await elsewhere.whereAmI() == "b")
            #expect(try await elsewhere.record(7) == 1)
            #expect(try await onOwner.log() == [7])
        }
    }

    @Test func callsToOneActorRunInTheOrderTheyWereMade() async throws {
        // The last call waits for all the others: its deadline must cover them on a busy machine.
        try await LoopbackNodes.with(["a", "b"], settings: { _, settings in settings.callTimeout = .seconds(120) }) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let id = CustomerActorID(customerID: "ordered-1")
            await LoopbackNodes.assign(shard: b.routing.shard(of: id), to: b, in: nodes)
            let recorder = try Recorder.resolve(id: id, using: a.system)
            let count = 300
            // Many calls in flight at once, each made (entering its lane) after the one before:
            // they must run on b in exactly that order.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for value in 0..<count {
                    group.addTask { _ = try await recorder.record(value) }
                    while a.transport.laneArrivals < value + 1 { await Task.yield() }
                }
                try await group.waitForAll()
            }
            #expect(try await recorder.log() == Array(0..<count))
            #expect(a.transport.metrics.counts.calls == count + 1)
            #expect(a.transport.metrics.counts.errors.isEmpty)
        }
    }

    @Test func aCallToAFormerOwnerIsAnsweredMovedAndRetriedAtTheNewOwner() async throws {
        try await LoopbackNodes.with(["a", "b", "c"]) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            let id = CustomerActorID(customerID: "moving-1")
            let shard = a.routing.shard(of: id)
            await LoopbackNodes.assign(shard: shard, to: b, in: nodes)
            let recorder = try Recorder.resolve(id: id, using: a.system)
            #expect(try await recorder.whereAmI() == "b")

            // The shard moves to c; a's view still says b.
            await LoopbackNodes.assign(shard: shard, to: c, in: nodes, refreshing: [b, c])
            let refreshesBefore = a.routing.refreshes
            #expect(try await recorder.whereAmI() == "c")
            #expect(a.transport.metrics.counts.movedRetries == 1)
            #expect(a.routing.refreshes == refreshesBefore + 1)
            #expect(b.transport.metrics.counts.served == 2)
            #expect(try await recorder.record(1) == 1)
        }
    }

    /// A drain hands a shard over while a call to one of its customers runs there; the shard's
    /// store closes under the call, which fails. The caller gets the new owner's answer, not
    /// the failure (a customer query during a drain once answered 502 this way).
    @Test func aCallWhoseShardLeavesWhileItRunsIsRetriedAtTheNewOwner() async throws {
        try await LoopbackNodes.with(["a", "b", "c"]) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            let id = CustomerActorID(customerID: "handover-1")
            let shard = a.routing.shard(of: id)
            await LoopbackNodes.assign(shard: shard, to: b, in: nodes)
            let gate = CallGate.install("handover-1", on: "b")
            let recorder = try Recorder.resolve(id: id, using: a.system)
            async let answer = recorder.failWhenGateOpens("handover-1")
            while gate.arrivals < 1 { await Task.yield() }
            await LoopbackNodes.assign(shard: shard, to: c, in: nodes, refreshing: [b, c])
            gate.open()
            #expect(try await answer == "c")
            #expect(a.transport.metrics.counts.movedRetries == 1)
        }
    }

    /// The same race on the node that makes the call: a query for a customer it holds fails
    /// because the shard was handed over meanwhile (to a node that joined, say), and is asked
    /// again at the new owner.
    @Test func aLocalCallWhoseShardLeavesWhileItRunsAsksTheNewOwner() async throws {
        try await LoopbackNodes.with(["a", "b"]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let id = CustomerActorID(customerID: "handover-2")
            let shard = a.routing.shard(of: id)
            await LoopbackNodes.assign(shard: shard, to: a, in: nodes)
            _ = try await a.host.activate(id)
            let gate = CallGate.install("handover-2", on: "a")
            async let answer = a.system.callOwner(of: id, as: Recorder.self) { try await $0.failWhenGateOpens("handover-2") }
            while gate.arrivals < 1 { await Task.yield() }
            await LoopbackNodes.assign(shard: shard, to: b, in: nodes)
            gate.open()
            #expect(try await answer == "b")
            // Where the shard stays, the actor's failure is the answer (run in process, as the
            // shard's actor is not resident after the move back).
            await LoopbackNodes.assign(shard: shard, to: a, in: nodes)
            CallGate.install("handover-2", on: "a").open()
            let error = await #expect(throws: ActorSystemError.self) {
                try await a.system.callOwner(of: id, as: Recorder.self) { try await $0.failWhenGateOpens("handover-2") }
            }
            #expect(error?.code == .actorFailed)
            #expect(b.transport.metrics.counts.served == 1)
        }
    }

    /// The same failure on a node that still owns the shard is the actor's own, and the caller gets it.
    @Test func aCallThatFailsWhileItsShardStaysIsTheActorsFailure() async throws {
        try await LoopbackNodes.with(["a", "b"]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let id = CustomerActorID(customerID: "staying-1")
            await LoopbackNodes.assign(shard: a.routing.shard(of: id), to: b, in: nodes)
            CallGate.install("staying-1", on: "b").open()
            let recorder = try Recorder.resolve(id: id, using: a.system)
            let error = await #expect(throws: ActorSystemError.self) { try await recorder.failWhenGateOpens("staying-1") }
            #expect(error?.code == .actorFailed)
            #expect(a.transport.metrics.counts.movedRetries == 0)
        }
    }

    @Test func aCallToAnOwnerThatIsGoneFollowsTheShardToItsNewOwner() async throws {
        try await LoopbackNodes.with(["a", "b", "c"]) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            let id = CustomerActorID(customerID: "gone-1")
            let shard = a.routing.shard(of: id)
            // a still believes a node that is gone (nothing listens there) owns the shard; c took it.
            a.routing.assign(shard: shard, to: PeerAddress(host: "127.0.0.1", port: 1))
            await a.routing.refresh()
            await LoopbackNodes.assign(shard: shard, to: c, in: nodes, refreshing: [b, c])
            let recorder = try Recorder.resolve(id: id, using: a.system)
            #expect(try await recorder.whereAmI() == "c")
            #expect(a.transport.metrics.counts.movedRetries == 1)
        }
    }

    @Test func anUnreachableOwnerThatStillHoldsTheShardIsAnAnswer() async throws {
        try await LoopbackNodes.with(["a"]) { nodes in
            let a = nodes[0]
            let id = CustomerActorID(customerID: "gone-2")
            a.routing.assign(shard: a.routing.shard(of: id), to: PeerAddress(host: "127.0.0.1", port: 1))
            await a.routing.refresh()
            let recorder = try Recorder.resolve(id: id, using: a.system)
            let error = await #expect(throws: ActorSystemError.self) { try await recorder.whereAmI() }
            #expect(error?.code == .unavailable)
        }
    }

    @Test func aShardBetweenOwnersIsWaitedForUntilSomeoneTakesIt() async throws {
        try await LoopbackNodes.with(["a", "b"]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let id = CustomerActorID(customerID: "orphan-1")
            let shard = a.routing.shard(of: id)
            await LoopbackNodes.assign(shard: shard, to: nil, in: nodes)
            let recorder = try Recorder.resolve(id: id, using: a.system)
            // Nobody owns it: the call keeps looking until b takes the shard over.
            async let answer = recorder.whereAmI()
            while a.routing.refreshes < 3 { await Task.yield() }
            await LoopbackNodes.assign(shard: shard, to: b, in: nodes, refreshing: [b])
            #expect(try await answer == "b")
        }
    }

    @Test func aCallThatOutlivesItsDeadlineFailsWithDeadlineExceeded() async throws {
        try await LoopbackNodes.with(["a", "b"], settings: { name, settings in
            // Long enough for a call under load, far shorter than the call that outlives it.
            if name == "a" { settings.callTimeout = .seconds(5) }
        }) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let slow = CustomerActorID(customerID: "slow-1")
            await LoopbackNodes.assign(shard: b.routing.shard(of: slow), to: b, in: nodes)
            let recorder = try Recorder.resolve(id: slow, using: a.system)
            // A slow call, and another queued behind it in the actor's lane: both run out of time.
            // The queued one is slow too: when the first leaves the lane at its deadline, the
            // queued call may still have a moment left, which must not be enough to answer.
            let slowCall = Task { try await recorder.linger(milliseconds: 60_000) }
            while a.transport.laneArrivals < 1 { await Task.yield() }
            let queued = await #expect(throws: ActorSystemError.self) { try await recorder.linger(milliseconds: 60_000) }
            #expect(queued?.code == .deadlineExceeded)
            let error = await #expect(throws: ActorSystemError.self) { try await slowCall.value }
            #expect(error?.code == .deadlineExceeded)
            #expect(a.transport.metrics.counts.errors[.deadlineExceeded] == 2)
            // The lane was left: the next call to the same actor goes through.
            #expect(try await recorder.whereAmI() == "b")
        }
    }

    @Test func whatTheActorThrowsComesBackTyped() async throws {
        try await LoopbackNodes.with(["a", "b"]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let id = CustomerActorID(customerID: "throws-1")
            await LoopbackNodes.assign(shard: b.routing.shard(of: id), to: b, in: nodes)
            let recorder = try Recorder.resolve(id: id, using: a.system)
            let error = await #expect(throws: ActorSystemError.self) { try await recorder.fail("no such coupon") }
            #expect(error?.code == .actorFailed)
            #expect(error?.message.contains("no such coupon") == true)
        }
    }
}
