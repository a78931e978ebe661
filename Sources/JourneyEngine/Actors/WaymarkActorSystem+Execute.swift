import Distributed
import Foundation

extension WaymarkActorSystem {
    /// Runs a call that arrived for an actor this node owns, and returns its encoded result.
    ///
    /// The actor is activated through the ``LocalActorHost`` when it was passivated. A
    /// customer whose shard does not run here is answered `moved`, so the caller looks
    /// the owner up again; a target this release does not know is `unknownTarget`; what
    /// the method throws comes back as `actorFailed` with its description, unless the
    /// customer's shard left this node while the call ran.
    ///
    /// The caller serialises calls to one actor (it awaits each before the next is
    /// delivered), and the actor runs them one at a time, so they run in the order sent.
    public func executeLocally(_ envelope: RemoteCallEnvelope) async throws -> Data {
        let context = ["customer.id": envelope.recipient.customerID, "call.target": envelope.target]
        guard let host else {
            throw ActorSystemError(.moved, "this process hosts no customer actors", context: context)
        }
        let identifier = try RemoteCallTargets.identifier(of: envelope.target)
        guard let actor = try await host.activate(envelope.recipient) else {
            throw ActorSystemError(.moved, "customer \(envelope.recipient.customerID) is not owned by this node", context: context)
        }
        var decoder = WaymarkInvocationDecoder(envelope: envelope)
        let handler = WaymarkResultHandler()
        do {
            try await executeDistributedTarget(on: actor, target: RemoteCallTarget(identifier), invocationDecoder: &decoder, handler: handler)
        } catch let error as ActorSystemError {
            throw error
        } catch {
            // The runtime found no accessor for the name, or the arguments did not decode.
            throw ActorSystemError(.unknownTarget, "cannot run `\(envelope.target)` here: \(error)", context: context)
        }
        switch handler.result {
        case .success(let data): return data
        case .failure(let error as ActorSystemError): throw error
        case .failure(let error) where !host.holds(envelope.recipient):
            // The shard was handed over during the call, and its store closed under it (a read
            // then fails with SQLite's "misuse"). Answered as a call arriving after the move
            // would be: the caller asks the new owner. Safe because every remote call is a read.
            throw ActorSystemError(.moved, "customer \(envelope.recipient.customerID)'s shard left this node during the call: \(error)", context: context)
        case .failure(let error): throw ActorSystemError(.actorFailed, "\(error)", context: context)
        }
    }
}
