import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
@testable import WaymarkRemoting

/// Calls a node's `Call` method with bytes as they are, and with or without the secret:
/// what an old release, or a stranger, would send.
enum RawCall {
    static func send(_ bytes: [UInt8], to address: PeerAddress, secret: String?) async throws -> [UInt8] {
        try await withGRPCClient(
            transport: .http2NIOPosix(target: .ipv4(address: address.host, port: address.port), transportSecurity: .plaintext)
        ) { client in
            var metadata = Metadata()
            if let secret { metadata.addString(secret, forKey: RemotingMethods.secretKey) }
            return try await client.unary(
                request: ClientRequest(message: bytes, metadata: metadata), descriptor: RemotingMethods.call,
                serializer: BytesSerializer(), deserializer: BytesDeserializer(), options: .defaults
            ) { response in try response.message }
        }
    }
}
