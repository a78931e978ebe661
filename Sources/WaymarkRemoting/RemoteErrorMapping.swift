import GRPCCore
import JourneyEngine

/// Carries an ``ActorSystemError`` across gRPC: its code in the trailing metadata
/// (so the caller gets the same typed error back) and a fitting gRPC status (so
/// generic gRPC tooling reads the failure sensibly too).
enum RemoteErrorMapping {
    static func rpcError(_ error: ActorSystemError) -> RPCError {
        var metadata = Metadata()
        metadata.addString(error.code.rawValue, forKey: RemotingMethods.errorCodeKey)
        return RPCError(code: status(of: error.code), message: error.message, metadata: metadata)
    }

    /// Any error a handler threw, as the RPC error to answer with.
    static func rpcError(_ error: any Error) -> RPCError {
        switch error {
        case let error as ActorSystemError: rpcError(error)
        case let error as RPCError: error
        default: rpcError(ActorSystemError(.actorFailed, "\(error)"))
        }
    }

    /// The typed error for what a call to `peer` failed with.
    static func actorSystemError(_ error: RPCError, peer: String) -> ActorSystemError {
        let context = ["peer.address": peer]
        if let raw = error.metadata[stringValues: RemotingMethods.errorCodeKey].first(where: { _ in true }),
            let code = ActorSystemError.Code(rawValue: raw)
        {
            return ActorSystemError(code, error.message, context: context)
        }
        // Failed before our handler answered: the transport's or the peer's gRPC layer.
        let code: ActorSystemError.Code =
            switch error.code {
            case .deadlineExceeded: .deadlineExceeded
            case .unauthenticated, .permissionDenied: .unauthenticated
            case .unimplemented: .unknownTarget
            default: .unavailable
            }
        return ActorSystemError(code, "\(error.code): \(error.message)", context: context)
    }

    static func status(of code: ActorSystemError.Code) -> RPCError.Code {
        switch code {
        case .moved: .failedPrecondition
        case .noOwner, .unavailable, .noTransport: .unavailable
        case .unknownTarget, .unsupportedVersion: .unimplemented
        case .badInvocation: .invalidArgument
        case .deadlineExceeded: .deadlineExceeded
        case .unauthenticated: .unauthenticated
        case .wrongActorType, .actorFailed: .aborted
        }
    }
}
