import Foundation
import Testing
import WaymarkRemoting
@testable import WaymarkServer

/// The `cluster.grpc` section: node-to-node calls and how they are authenticated.
struct ClusterGRPCConfigurationTests {
    static let cluster = "shard_count: 8\ncluster:\n  postgres: postgres://h/db\n  node_id: a\n  advertise: 10.0.0.1:8080\n"

    @Test func withoutAGRPCSectionThereAreNoNodeToNodeCalls() throws {
        #expect(try NodeConfiguration.parse(Self.cluster, file: "node.yaml").clusterGRPC == nil)
    }

    @Test func aGRPCSectionWithItsSettings() throws {
        let configuration = try NodeConfiguration.parse(
            Self.cluster + "  grpc: { host: 10.0.0.1, port: 7401, advertise: node-a.internal, secret: s3cret, call_timeout: 750ms }\n",
            file: "node.yaml")
        let grpc = try #require(configuration.clusterGRPC)
        #expect(grpc.host == "10.0.0.1")
        #expect(grpc.port == 7401)
        #expect(grpc.advertiseHost == "node-a.internal")
        #expect(grpc.secret == "s3cret")
        #expect(grpc.callTimeout == .milliseconds(750))
        #expect(grpc.tls == nil)
        #expect(configuration.cluster?.nodeID == "a")
    }

    @Test func theSecretCanComeFromAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(getpid())").path
        try "from-a-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let configuration = try NodeConfiguration.parse(Self.cluster + "  grpc: { secret_file: \(file) }\n", file: "node.yaml")
        #expect(configuration.clusterGRPC?.secret == "from-a-file")
    }

    @Test(arguments: [
        ("  grpc: { port: 7401 }\n", "cluster.grpc needs `secret:` or `secret_file:`"),
        ("  grpc: { secret: s, prot: 1 }\n", "unknown key `prot`"),
        ("  grpc: { secret: s, port: 70000 }\n", "cluster.grpc.port must be at most 65535"),
        ("  grpc: { secret: s, tls: { certificate: /nonexistent.pem } }\n", "cannot read `/nonexistent.pem`"),
        ("  grpc: { secret_file: /nonexistent-secret }\n", "cannot read cluster.grpc.secret_file"),
    ])
    func badGRPCSettingsAreRefusedWithTheirReason(_ text: String, _ message: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try NodeConfiguration.parse(Self.cluster + text, file: "node.yaml") }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "no error")")
    }
}
