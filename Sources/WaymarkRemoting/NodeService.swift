import Foundation
import GRPCCore
import JourneyEngine
import Logging

/// The receiving side of node-to-node calls: runs each call on the local actor
/// system and answers with its encoded result or a typed error.
///
/// Each RPC is one call, and a caller has at most one call in flight per actor
/// (``RecipientLanes``), so the calls to one actor from one node arrive, and run,
/// in the order they were made; the actor runs calls from different nodes one at
/// a time.
struct NodeService: RegistrableRPCService {
    let actorSystem: WaymarkActorSystem
    let queries: (any NodeQueryHandler)?
    let metrics: RemoteCallMetrics
    let logger: Logger

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: RemotingMethods.call, deserializer: BytesDeserializer(), serializer: BytesSerializer()
        ) { request, context in
            StreamingServerResponse(single: await call(try await ServerRequest(stream: request), context: context))
        }
        router.registerHandler(
            forMethod: RemotingMethods.query, deserializer: BytesDeserializer(), serializer: BytesSerializer()
        ) { request, context in
            StreamingServerResponse(single: await query(try await ServerRequest(stream: request), context: context))
        }
    }

    func call(_ request: ServerRequest<[UInt8]>, context: ServerContext) async -> ServerResponse<[UInt8]> {
        let started = ContinuousClock.now
        do {
            let envelope = try RemoteCallEnvelope.decode(Data(request.message))
            if let timeout = envelope.timeoutMilliseconds, timeout <= 0 {
                throw ActorSystemError(.deadlineExceeded, "the call arrived after its deadline", context: ["customer.id": envelope.recipient.customerID])
            }
            let result = try await actorSystem.executeLocally(envelope)
            metrics.served(since: started, error: nil)
            return ServerResponse(message: Array(result))
        } catch {
            let rpcError = RemoteErrorMapping.rpcError(error)
            let code = (error as? ActorSystemError)?.code
            metrics.served(since: started, error: code ?? .actorFailed)
            if code != .moved {
                logger.debug("remote call failed here", metadata: [
                    "peer.address": "\(context.remotePeer)", "caller": "\(request.metadata[stringValues: RemotingMethods.callerKey].first(where: { _ in true }) ?? "?")",
                    "error": "\(error)",
                ])
            }
            return ServerResponse(error: rpcError)
        }
    }

    func query(_ request: ServerRequest<[UInt8]>, context: ServerContext) async -> ServerResponse<[UInt8]> {
        do {
            let query = try JSONDecoder().decode(NodeQuery.self, from: Data(request.message))
            guard let queries else { throw ActorSystemError(.unknownTarget, "this node answers no queries", context: ["query.name": query.name]) }
            return ServerResponse(message: Array(try await queries.answer(query)))
        } catch {
            return ServerResponse(error: RemoteErrorMapping.rpcError(error))
        }
    }
}
