import Foundation
import GRPCCore
import JourneyEngine
import Logging

/// Refuses every call that does not carry the cluster's shared secret.
///
/// The secret proves a peer is a member (mutual TLS, when configured, also proves
/// who it is and keeps the secret off the wire in clear). The comparison takes the
/// same time whatever the first differing byte, so timing does not leak it.
struct ClusterSecretServerInterceptor: ServerInterceptor {
    let secret: [UInt8]
    let logger: Logger

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let offered = request.metadata[stringValues: RemotingMethods.secretKey].first(where: { _ in true })
        guard let offered, Self.equal(Array(offered.utf8), secret) else {
            logger.warning("refused a peer without the cluster secret", metadata: [
                "peer.address": "\(context.remotePeer)", "rpc.method": "\(context.descriptor.method)",
                "reason": "\(offered == nil ? "missing" : "wrong")",
            ])
            return StreamingServerResponse(
                error: RemoteErrorMapping.rpcError(ActorSystemError(.unauthenticated, "the cluster secret is \(offered == nil ? "missing" : "wrong")")))
        }
        return try await next(request, context)
    }

    /// Constant-time for equal lengths.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Adds the cluster secret and this node's name to every outgoing call.
struct ClusterSecretClientInterceptor: ClientInterceptor {
    let secret: String
    let caller: String

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>, context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        var request = request
        request.metadata.replaceOrAddString(secret, forKey: RemotingMethods.secretKey)
        request.metadata.replaceOrAddString(caller, forKey: RemotingMethods.callerKey)
        return try await next(request, context)
    }
}
