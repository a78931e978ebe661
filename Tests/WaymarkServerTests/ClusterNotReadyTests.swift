import Foundation
import JourneyModel
import Testing
import WaymarkServer
import WaymarkTestSupport

/// A cluster node that has not joined (here: its database cannot be reached) answers,
/// but refuses writes with 503 `not_ready` instead of failing them as 500s.
@Suite(.timeLimit(.minutes(2)))
struct ClusterNotReadyTests {
    @Test func aNodeThatHasNotJoinedRefusesWritesWith503() async throws {
        let cluster = try ClusterWorkspace(database: nil)
        defer { cluster.remove() }
        let node = try cluster.start("lonely", postgres: "postgres://postgres@127.0.0.1:1/unreachable")
        defer { node.killIfRunning() }
        let url = try await node.listeningURL()
        let client = NodeClient(baseURL: url, timeout: 10)
        #expect(try await client.get("/health").status == 200)
        #expect(try await client.get("/ready").status == 503)

        let event = try await client.post("/v1/events", json: ["customer_id": "c1", "event": "signup"])
        #expect(event.status == 503, "\(event.text)")
        #expect(event.json[path: ["error", "code"]] == .string("not_ready"))
        let profile = try await client.post("/v1/profiles", json: ["customer_id": "c1", "attributes": ["tier": "gold"]])
        #expect(profile.status == 503, "\(profile.text)")
        let journey = "journey: nudge\nentry: { event: signup }\nsteps:\n  - id: hi\n    send: { channel: sms, message: hi }\n"
        let deployed = try await client.post("/v1/journeys", text: journey, contentType: "application/yaml")
        #expect(deployed.status == 503, "\(deployed.text)")
        #expect(try await client.delete("/v1/journeys/nudge").status == 503)

        let metrics = try await client.get("/metrics").text
        #expect(metrics.contains(#"waymark_requests_rejected_total{code="not_ready"} 4"#), "\(metrics)")
    }
}
