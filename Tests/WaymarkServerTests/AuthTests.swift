import Foundation
import JourneyModel
import Testing
import WaymarkServer

/// With tokens configured every `/v1` call needs a bearer token; ingest tokens only send events and profiles.
@Suite struct AuthTests {
    static let ingest = "ingest-token-0123456789"
    static let admin = "admin-token-0123456789ab"

    static func config(_: String) -> String {
        """
        auth:
          ingest: [\(ingest)]
          admin: [\(admin)]
        """
    }

    @Test func theBearerSchemeIsCaseInsensitive() async throws {
        try await TestNode.run(config: Self.config) { node in
            let anonymous = node.client()
            for scheme in ["bearer", "BEARER", "Bearer"] {
                let answer = try await anonymous.send(.GET, "/v1/journeys", headers: [("Authorization", "\(scheme) \(Self.admin)")])
                #expect(answer.status == 200, "\(scheme)")
            }
        }
    }

    @Test func tokensAllowAndDenyByRole() async throws {
        try await TestNode.run(config: Self.config) { node in
            let anonymous = node.client()
            let ingest = node.client(token: Self.ingest)
            let admin = node.client(token: Self.admin)
            let wrong = node.client(token: "not-a-valid-token-at-all")
            let event: JSONValue = ["customer_id": "c1", "event": "view"]

            #expect(try await anonymous.get("/health").status == 200, "/health stays open")
            #expect(try await anonymous.get("/ready").status == 200)
            let missing = try await anonymous.post("/v1/events", json: event)
            #expect(missing.status == 401)
            #expect(missing.errorCode == "unauthorized")
            #expect(missing.errorField == "Authorization")
            #expect(try await wrong.post("/v1/events", json: event).status == 401)
            let basic = try await anonymous.send(.GET, "/v1/journeys", headers: [("Authorization", "Basic YWRtaW46YWRtaW4=")])
            #expect(basic.status == 401)

            #expect(try await ingest.post("/v1/events", json: event).status == 202)
            #expect(try await ingest.post("/v1/profiles", json: ["customer_id": "c1", "attributes": ["a": 1]]).status == 202)
            for (method, path) in [("GET", "/v1/journeys"), ("GET", "/v1/customers/c1"), ("DELETE", "/v1/journeys/x"), ("GET", "/v1/journeys/x/stats")] {
                let answer = try await ingest.send(method == "GET" ? .GET : .DELETE, path)
                #expect(answer.status == 403, "\(method) \(path)")
                #expect(answer.errorCode == "forbidden")
            }
            let deploy = try await ingest.post("/v1/journeys", text: "journey: x", contentType: "application/yaml")
            #expect(deploy.status == 403)

            #expect(try await admin.post("/v1/events", json: event).status == 202)
            #expect(try await admin.get("/v1/journeys").status == 200)
            try await eventually("c1 exists") { try await admin.get("/v1/customers/c1").status == 200 }
        }
    }

    /// One `/metrics` series' value (0 when the series is absent).
    static func metric(_ text: String, _ series: String) -> Int {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Int(Double($0.dropFirst(series.count + 1)) ?? -1) } ?? 0
    }

    /// Refusals are counted wherever they happen: by the token check (outside the handlers),
    /// by the payload check, and while the node is shutting down.
    @Test func everyRefusalIsCountedWhoeverRefuses() async throws {
        try await TestNode.run(config: Self.config) { node in
            let event: JSONValue = ["customer_id": "c1", "event": "view"]
            #expect(try await node.client().post("/v1/events", json: event).status == 401)
            #expect(try await node.client(token: Self.ingest).get("/v1/journeys").status == 403)
            let admin = node.client(token: Self.admin)
            let invalid = try await admin.post("/v1/events", json: ["customer_id": "c1"])
            #expect(invalid.status == 400)
            let invalidCode = try #require(invalid.errorCode)
            #expect(try await admin.post("/v1/events", json: event).status == 202)
            for shard in node.node.engine.shards { shard.stopAccepting() }
            let closing = try await admin.post("/v1/events", json: event)
            #expect(closing.status == 503 && closing.errorCode == "shutting_down", "\(closing.text)")

            let text = try await node.client().get("/metrics").text
            #expect(Self.metric(text, #"waymark_events_rejected_total{code="unauthorized"}"#) == 1, "\(text)")
            #expect(Self.metric(text, "waymark_events_rejected_total{code=\"\(invalidCode)\"}") == 1)
            #expect(Self.metric(text, #"waymark_events_rejected_total{code="shutting_down"}"#) == 1)
            #expect(Self.metric(text, #"waymark_events_rejected_total{code="forbidden"}"#) == 0, "a refused GET /v1/journeys is not an event")
            #expect(Self.metric(text, #"waymark_requests_rejected_total{code="unauthorized"}"#) == 1)
            #expect(Self.metric(text, #"waymark_requests_rejected_total{code="forbidden"}"#) == 1)
            #expect(Self.metric(text, #"waymark_requests_rejected_total{code="shutting_down"}"#) == 1)
            #expect(Self.metric(text, "waymark_events_accepted_total") == 1)
        }
    }

    @Test func aConfigWithoutTokensLeavesTheAPIOpen() async throws {
        try await TestNode.run { node in
            let answer = try await node.client().get("/v1/journeys")
            #expect(answer.status == 200)
        }
    }
}
