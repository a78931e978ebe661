import GRPCCore
import GRPCNIOTransportHTTP2

extension RemotingSettings {
    /// The server's transport security: mutual TLS (client certificates required and
    /// checked against the trust roots) when certificates are configured.
    var serverSecurity: HTTP2ServerTransport.Posix.TransportSecurity {
        guard let tls else { return .plaintext }
        return .mTLS(
            certificateChain: [.file(path: tls.certificate, format: .pem)], privateKey: .file(path: tls.key, format: .pem)
        ) { config in
            config.trustRoots = .certificates([.file(path: tls.trustRoots, format: .pem)])
            config.clientCertificateVerification = .noHostnameVerification
        }
    }

    /// The client's: the same certificate offered, the peer's checked against the same roots.
    var clientSecurity: HTTP2ClientTransport.Posix.TransportSecurity {
        guard let tls else { return .plaintext }
        return .mTLS(
            certificateChain: [.file(path: tls.certificate, format: .pem)], privateKey: .file(path: tls.key, format: .pem)
        ) { config in
            config.trustRoots = .certificates([.file(path: tls.trustRoots, format: .pem)])
            config.serverCertificateVerification = .noHostnameVerification
        }
    }
}
