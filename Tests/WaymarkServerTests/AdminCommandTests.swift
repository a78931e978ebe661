import Foundation
import JourneyModel
import Testing
import WaymarkServer

/// `waymark status`, `deploy`, `customer` and `send-event` against a running node, as a person types them.
@Suite struct AdminCommandTests {
    static let admin = "admin-token-0123456789ab"

    func waymark(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let child = try ChildNode(arguments: arguments)
        let status = try await child.exitStatus()
        return (status, child.output)
    }

    @Test func adminCommandsTalkToARunningNode() async throws {
        try await TestNode.run(templates: ["hello.mustache": "hi"], config: { _ in "auth: { admin: [\(Self.admin)] }" }) { node in
            let common = ["--url", node.url, "--token", Self.admin]
            let journey = node.folder.appendingPathComponent("nudge.yaml")
            try """
                journey: nudge
                entry: { event: signup }
                steps:
                  - id: wait
                    wait: 1h
                  - id: hello
                    send: { channel: sms, template: hello }
                """.write(to: journey, atomically: true, encoding: .utf8)
            let broken = node.folder.appendingPathComponent("broken.yaml")
            try "journey: broken\nentry: { event: signup }\nsteps:\n  - id: a\n    send: { channel: sms, template: nope }\n"
                .write(to: broken, atomically: true, encoding: .utf8)

            let deploy = try await waymark(["deploy"] + common + [journey.path])
            #expect(deploy.status == 0, "\(deploy.output)")
            #expect(deploy.output.contains("nudge v1 deployed"))
            let refused = try await waymark(["deploy"] + common + [broken.path])
            #expect(refused.status == 1)
            #expect(refused.output.contains("broken.yaml:5:"), "\(refused.output)")

            let send = try await waymark(["send-event"] + common + ["--customer", "c1", "--event", "signup", "--property", "value=12", "--property", "city=Hangzhou", "--id", "e1"])
            #expect(send.status == 0, "\(send.output)")
            #expect(send.output.contains("\"accepted\" : 1"))

            try await eventually("c1 is applied") { try await node.client(token: Self.admin).get("/v1/customers/c1").status == 200 }
            let customer = try await waymark(["customer"] + common + ["c1"])
            #expect(customer.status == 0)
            #expect(customer.output.contains("\"journey\" : \"nudge\""))
            let missing = try await waymark(["customer"] + common + ["nobody"])
            #expect(missing.status == 1)
            #expect(missing.output.contains("unknown_customer"))

            let status = try await waymark(["status"] + common)
            #expect(status.status == 0, "\(status.output)")
            #expect(status.output.contains("ready:   ready"))
            #expect(status.output.contains("nudge v1 active"))
            let denied = try await waymark(["status", "--url", node.url])
            #expect(denied.status == 1, "no token: the journeys call is refused")
        }
    }
}
