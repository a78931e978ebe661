import Distributed
import Foundation
import JourneyEngine

/// A test actor: records what it is sent, says which node it lives on, and can take its time.
distributed actor Recorder {
    typealias ActorSystem = WaymarkActorSystem

    let node: String
    private var received: [Int] = []

    init(node: String, actorSystem: WaymarkActorSystem) {
        self.node = node
        self.actorSystem = actorSystem
    }

    /// Appends `value` and returns how many values arrived so far.
    distributed func record(_ value: Int) -> Int {
        received.append(value)
        return received.count
    }

    distributed func log() -> [Int] { received }

    distributed func whereAmI() -> String { node }

    /// Always throws: an error raised by the actor's own code.
    distributed func fail(_ message: String) throws -> Int {
        throw RecorderError(message: message)
    }

    /// Fails once `gate` opens, as a read does whose store closed under it when its shard
    /// was handed over; answers at once on a node that has no gate.
    distributed func failWhenGateOpens(_ gate: String) async throws -> String {
        guard let gate = CallGate.named(gate, on: node) else { return node }
        await gate.passed()
        throw RecorderError(message: "the shard's store was closed")
    }

    /// Waits (cancellably) before answering: a call that outlives its deadline.
    distributed func linger(milliseconds: Int) async throws -> String {
        try await Task.sleep(for: .milliseconds(milliseconds))
        return node
    }
}

struct RecorderError: Error, CustomStringConvertible {
    var message: String
    var description: String { "RecorderError: \(message)" }
}
