import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import JourneyEngine
import Logging

/// Sends calls to customer actors on other nodes over gRPC.
///
/// A call enters its recipient's lane (``RecipientLanes``: one call in flight per
/// actor from this node, in the order made), asks the routing for the owner, and
/// sends the envelope in the newest version the owner reads. A `moved` or `no_owner`
/// answer refreshes the routing and sends again, a little later each time, until
/// the owner answers or the deadline passes. The whole call, waiting in the lane
/// included, is bounded by one deadline: each attempt's gRPC timeout is the time
/// left, and the receiver learns it too (the envelope's `timeout_ms`), so it does
/// not run calls nobody waits for. A call whose lane is free costs no extra task.
public final class GRPCRemoteCallTransport: RemoteCallTransport {
    let routing: any PeerRouting
    let clients: PeerClients
    let lanes = RecipientLanes()
    public let metrics: RemoteCallMetrics
    let settings: RemotingSettings
    let logger: Logger

    /// - Parameter caller: this node's name, sent with every call for the receiver's logs.
    public init(routing: any PeerRouting, settings: RemotingSettings, caller: String, metrics: RemoteCallMetrics, logger: Logger) {
        self.routing = routing
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.clients = PeerClients(settings: settings, caller: caller, logger: logger)
    }

    public func send(_ envelope: RemoteCallEnvelope) async throws -> Data {
        let started = ContinuousClock.now
        let deadline = started.advanced(by: settings.callTimeout)
        let recipient = envelope.recipient
        do {
            guard try await lanes.enter(recipient, before: deadline) else {
                throw ActorSystemError(
                    .deadlineExceeded, "the calls to this actor ahead of this one took the whole deadline",
                    context: ["customer.id": recipient.customerID, "call.target": envelope.target])
            }
            defer { lanes.leave(recipient) }
            let result = try await deliver(envelope, deadline: deadline)
            metrics.called(since: started, error: nil)
            return result
        } catch let error as ActorSystemError {
            metrics.called(since: started, error: error.code)
            throw error
        } catch {
            metrics.called(since: started, error: .unavailable)
            throw ActorSystemError(.unavailable, "\(error)", context: ["customer.id": recipient.customerID])
        }
    }

    /// Calls that reached their recipient's lane so far, in the order they are sent.
    public var laneArrivals: Int { lanes.arrivals }

    /// Callers in the recipient's lane now (the call out, and those waiting behind it).
    public func queuedCalls(to recipient: CustomerActorID) -> Int {
        lanes.occupancy(recipient)
    }

    /// Sends to the owner, following `moved` answers to the new owner. Each attempt carries
    /// the time left as its gRPC timeout, so the deadline bounds the whole call.
    private func deliver(_ envelope: RemoteCallEnvelope, deadline: ContinuousClock.Instant) async throws -> Data {
        var attempt = 0
        while true {
            guard ContinuousClock.now < deadline else {
                throw ActorSystemError(
                    .deadlineExceeded, "no owner answered before the call's deadline (\(attempt) attempts)",
                    context: ["customer.id": envelope.recipient.customerID, "call.target": envelope.target])
            }
            var peer: PeerAddress?
            do {
                peer = try await routing.owner(of: envelope.recipient)
                return try await call(envelope, at: peer!, deadline: deadline)
            } catch let error as ActorSystemError where error.code == .unavailable && peer != nil && attempt < settings.maximumRetries {
                // The owner could not be reached. If the lease table names another owner now (the node
                // drained or died and its shards moved), that one answers; if nobody owns the shard
                // (a drained node released it and the next has not taken it yet), the call waits for
                // the next owner as after `no_owner` (the next lookup answers that, and its branch below
                // counts and paces the wait); if the unreachable node still holds it, this is the answer.
                await routing.refresh()
                do {
                    guard try await routing.owner(of: envelope.recipient).key != peer!.key else { throw error }
                } catch let lookup as ActorSystemError where lookup.code == .noOwner {
                    continue
                }
                attempt += 1
                metrics.movedRetry()
                logger.debug("owner unreachable and replaced; calling the new owner", metadata: [
                    "customer.id": "\(envelope.recipient.customerID)", "peer.address": "\(peer!)", "attempt": "\(attempt)",
                ])
            } catch let error as ActorSystemError where error.code == .moved || error.code == .noOwner {
                attempt += 1
                guard attempt <= settings.maximumRetries else { throw error }
                if error.code == .moved { metrics.movedRetry() }
                logger.debug("call answered \(error.code.rawValue); looking the owner up again", metadata: [
                    "customer.id": "\(envelope.recipient.customerID)", "peer.address": "\(error.context["peer.address"] ?? "-")", "attempt": "\(attempt)",
                ])
                await routing.refresh()
                // The lease may be between owners: give the next one a moment, more each time.
                if attempt > 1 {
                    let pause = Duration.milliseconds(min(20 * (1 << min(attempt, 6)), 500))
                    try await Task.sleep(until: min(ContinuousClock.now.advanced(by: pause), deadline), clock: .continuous)
                }
            }
        }
    }

    /// One attempt at one peer.
    private func call(_ envelope: RemoteCallEnvelope, at peer: PeerAddress, deadline: ContinuousClock.Instant) async throws -> Data {
        let remaining = ContinuousClock.now.duration(to: deadline)
        var envelope = envelope
        envelope.timeoutMilliseconds = remaining.milliseconds
        let version = min(RemoteCallEnvelope.currentVersion, max(RemoteCallEnvelope.oldestReadableVersion, peer.envelopeVersion))
        let bytes = try envelope.encoded(version: version)
        var options = CallOptions.defaults
        options.timeout = max(remaining, .milliseconds(1))
        do {
            return try await clients.client(for: peer).unary(
                request: ClientRequest(message: Array(bytes)), descriptor: RemotingMethods.call,
                serializer: BytesSerializer(), deserializer: BytesDeserializer(), options: options
            ) { response in Data(try response.message) }
        } catch let error as RPCError {
            throw RemoteErrorMapping.actorSystemError(error, peer: peer.description)
        }
    }

    /// Asks one node a ``NodeQuery``.
    public func query(_ query: NodeQuery, at peer: PeerAddress) async throws -> Data {
        var options = CallOptions.defaults
        options.timeout = settings.callTimeout
        do {
            return try await clients.client(for: peer).unary(
                request: ClientRequest(message: Array(try JSONEncoder().encode(query))), descriptor: RemotingMethods.query,
                serializer: BytesSerializer(), deserializer: BytesDeserializer(), options: options
            ) { response in Data(try response.message) }
        } catch let error as RPCError {
            throw RemoteErrorMapping.actorSystemError(error, peer: peer.description)
        }
    }

    /// Asks every live node at once; each answer or typed failure, by node.
    public func queryAll(_ query: NodeQuery) async throws -> [(peer: PeerAddress, answer: Result<Data, ActorSystemError>)] {
        let peers = try await routing.liveNodes()
        return await withTaskGroup(of: (PeerAddress, Result<Data, ActorSystemError>).self) { group in
            for peer in peers {
                group.addTask {
                    do {
                        return (peer, .success(try await self.query(query, at: peer)))
                    } catch let error as ActorSystemError {
                        return (peer, .failure(error))
                    } catch {
                        return (peer, .failure(ActorSystemError(.unavailable, "\(error)", context: ["peer.address": peer.description])))
                    }
                }
            }
            var answers: [(peer: PeerAddress, answer: Result<Data, ActorSystemError>)] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
