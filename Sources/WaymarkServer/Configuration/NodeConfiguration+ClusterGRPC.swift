import Foundation
import WaymarkRemoting

extension NodeConfiguration {
    static let clusterGRPCKeys = ["host", "port", "advertise", "secret", "secret_file", "call_timeout", "tls"]

    /// The `cluster.grpc` section: where this node serves node-to-node calls and how they are
    /// authenticated. Nil when the section is absent (customers answer only on their owner, as
    /// before node-to-node calls existed). A secret is required: without one any process that
    /// reaches the port could call any customer's actor.
    static func readClusterGRPC(_ cluster: ConfigNode) throws -> RemotingSettings? {
        guard let section = try cluster.mapping("cluster", allowed: []).first(where: { $0.key == "grpc" })?.value else { return nil }
        var settings = RemotingSettings(host: "", port: 0, secret: "")
        var secretNode: ConfigNode?
        for (key, value) in try section.mapping("cluster.grpc", allowed: clusterGRPCKeys) {
            switch key {
            case "host": settings.host = try value.string("cluster.grpc.host")
            case "port":
                settings.port = try value.int("cluster.grpc.port", atLeast: 0)
                if settings.port > 65_535 { throw value.error(.invalidValue, "cluster.grpc.port must be at most 65535") }
            case "advertise": settings.advertiseHost = try value.string("cluster.grpc.advertise")
            case "secret":
                settings.secret = try value.string("cluster.grpc.secret")
                secretNode = value
            case "secret_file":
                let path = try value.string("cluster.grpc.secret_file")
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw value.error(.invalidValue, "cannot read cluster.grpc.secret_file `\(path)`")
                }
                settings.secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
                secretNode = value
            case "call_timeout":
                settings.callTimeout = .milliseconds(Int64((try value.duration("cluster.grpc.call_timeout") * 1000).rounded()))
            case "tls": settings.tls = try readClusterTLS(value)
            default: break
            }
        }
        guard !settings.secret.isEmpty else {
            throw (secretNode ?? section).error(.invalidValue, "cluster.grpc needs `secret:` or `secret_file:` (shared by every node of the cluster)")
        }
        return settings
    }

    private static func readClusterTLS(_ node: ConfigNode) throws -> RemotingSettings.TLS {
        var paths: [String: String] = [:]
        for (key, value) in try node.mapping("cluster.grpc.tls", allowed: ["certificate", "key", "trust_roots"]) {
            let path = try value.string("cluster.grpc.tls.\(key)")
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw value.error(.invalidValue, "cluster.grpc.tls.\(key): cannot read `\(path)`")
            }
            paths[key] = path
        }
        guard let certificate = paths["certificate"], let key = paths["key"], let roots = paths["trust_roots"] else {
            throw node.error(.invalidValue, "cluster.grpc.tls needs `certificate`, `key` and `trust_roots` (PEM files) for mutual TLS")
        }
        return RemotingSettings.TLS(certificate: certificate, key: key, trustRoots: roots)
    }
}
