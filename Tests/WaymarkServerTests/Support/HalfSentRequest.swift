import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A request whose body never finishes arriving: it keeps the server's graceful
/// shutdown waiting, so a test can send a second signal while the node drains.
final class HalfSentRequest {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        let head = "POST /v1/events HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"customer_id\":"
        _ = head.withCString { send(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        close(descriptor)
    }
}
