import Hummingbird
import JourneyEngine

extension APIError {
    /// A call to the node that owns the customer failed: 504 when it did not answer in
    /// time, 503 when it could not be reached or nobody owns the shard right now (a
    /// handover; retry shortly), 502 for anything else it answered.
    static func remoteCall(_ error: ActorSystemError) -> APIError {
        let status: HTTPResponse.Status =
            switch error.code {
            case .deadlineExceeded: .gatewayTimeout
            case .unavailable, .noOwner, .moved, .noTransport: .serviceUnavailable
            default: .badGateway
            }
        return APIError(status, "owner_\(error.code.rawValue)", "the customer's owner did not answer: \(error.message)")
    }
}
