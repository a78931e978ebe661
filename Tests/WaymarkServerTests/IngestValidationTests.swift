import Foundation
import JourneyModel
import NIOCore
import Testing
@testable import WaymarkServer

/// Every way a request can be wrong gets a 4xx naming the field, and nothing of a refused batch is applied.
@Suite struct IngestValidationTests {
    static let journey = """
        journey: welcome
        entry: { event: signup }
        steps:
          - id: hello
            send: { channel: email, message: "hi {{profile.first_name}}" }
        """

    /// (body, expected status, expected code, expected field)
    static let badEvents: [(String, Int, String, String)] = [
        ("{\"customer_id\": \"c1\", \"event\": ", 400, "malformed_json", "body"),
        ("", 400, "empty_body", "body"),
        ("{\"customer_id\": \"c1\", \"event\": \"a\", \"properties\": {\"n\": 1e400}}", 400, "malformed_json", "body"),
        ("[{\"customer_id\": \"c1\", \"event\": \"a\"},]", 400, "malformed_json", "body"),
        ("{\"customer_id\": \"c1\", \"event\": \"a\", \"properties\": {\"s\": \"\\ud800\"}}", 400, "malformed_json", "body"),
        (String(repeating: "[", count: 100) + String(repeating: "]", count: 100), 400, "malformed_json", "body"),
        ("42", 400, "wrong_type", "body"),
        ("{\"customer_id\": 7, \"event\": \"signup\"}", 400, "wrong_type", "customer_id"),
        ("{\"event\": \"signup\"}", 400, "missing_field", "customer_id"),
        ("{\"customer_id\": \"c1\"}", 400, "missing_field", "event"),
        ("{\"customer_id\": \"\", \"event\": \"signup\"}", 400, "empty_field", "customer_id"),
        ("{\"customer_id\": \"c1\", \"event\": \"signup\", \"time\": \"yesterday\"}", 400, "invalid_time", "time"),
        ("{\"customer_id\": \"c1\", \"event\": \"signup\", \"time\": 1700000000}", 400, "wrong_type", "time"),
        ("{\"customer_id\": \"c1\", \"event\": \"signup\", \"properties\": [1]}", 400, "wrong_type", "properties"),
        ("{\"customer_id\": \"c1\", \"event\": \"signup\", \"id\": 5}", 400, "wrong_type", "id"),
        ("{\"customer_id\": \"c1\", \"event\": \"signup\", \"propertys\": {}}", 400, "unknown_field", "propertys"),
        ("{\"batch\": {}}", 400, "wrong_type", "batch"),
        ("{\"batch\": []}", 400, "empty_batch", "batch"),
        ("{\"batch\": [{\"customer_id\": \"c1\", \"event\": \"a\"}, \"x\"]}", 400, "wrong_type", "batch[1]"),
        ("[{\"customer_id\": \"c1\", \"event\": \"a\"}, {\"customer_id\": \"c2\", \"event\": \"a\", \"time\": \"2024-13-01T00:00:00Z\"}]", 400, "invalid_time", "batch[1].time"),
    ]

    @Test func everyBadEventNamesItsField() async throws {
        try await TestNode.run(journeys: ["welcome.yaml": Self.journey]) { node in
            let client = node.client()
            for (body, status, code, field) in Self.badEvents {
                let answer = try await client.post("/v1/events", text: body, contentType: "application/json")
                #expect(answer.status == status, "\(body)")
                #expect(answer.errorCode == code, "\(body): \(answer.text)")
                #expect(answer.errorField == field, "\(body): \(answer.text)")
                #expect(answer.errorMessage?.isEmpty == false)
            }
            let health = try await client.get("/health")
            #expect(health.status == 200, "the node keeps serving after bad input")
        }
    }

    @Test func aKeyGivenTwiceKeepsItsLastValueAsInTheSimulator() async throws {
        try await TestNode.run(journeys: ["welcome.yaml": Self.journey]) { node in
            let client = node.client()
            let answer = try await client.post(
                "/v1/events", text: "{\"customer_id\": \"first\", \"customer_id\": \"last\", \"event\": \"signup\"}", contentType: "application/json")
            #expect(answer.status == 202, "\(answer.text)")
            try await eventually("the event reached `last`") { try await client.get("/v1/customers/last").status == 200 }
            #expect(try await client.get("/v1/customers/first").status == 404)
        }
    }

    @Test func aBodyThatIsNotUTF8IsMalformedJSON() throws {
        let valid = Array("{\"customer_id\": \"汉字 ü 🛒\", \"event\": \"view\"}".utf8)
        #expect(try valid.withUnsafeBufferPointer { try RequestBodyReader.parseJSON($0) } == ["customer_id": "汉字 ü 🛒", "event": "view"])
        let cases: [(bytes: [UInt8], offset: Int)] = [
            (Array("{\"a\": \"x".utf8) + [0xFF] + Array("\"}".utf8), 8),
            (Array("{\"abcdefgh\": \"".utf8) + [0xC3] + Array("\"}".utf8), 14),  // a lead byte without its continuation
            (Array("{\"a\": \"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}".utf8), 7),  // a UTF-16 surrogate spelled in UTF-8
            (Array("{\"a\": \"".utf8) + [0xC0, 0xAF] + Array("\"}".utf8), 7),  // an overlong `/`
        ]
        for (bytes, offset) in cases {
            #expect(bytes.withUnsafeBufferPointer { RequestBodyReader.firstInvalidUTF8($0) } == offset, "\(bytes)")
            do {
                _ = try bytes.withUnsafeBufferPointer { try RequestBodyReader.parseJSON($0) }
                Issue.record("accepted \(bytes)")
            } catch let error as APIError {
                #expect(error.code == "malformed_json")
                #expect(error.message.contains("UTF-8"))
            }
        }
    }

    /// Journey YAML bodies are text checked by the same rule. A 4-byte character cut short
    /// (`F0 9F 98`) decodes, repaired, to one U+FFFD of the same byte length: a check that only
    /// compared lengths took it for UTF-8.
    @Test func aTextBodyThatIsNotUTF8IsRefusedWhereverTheBadByteIs() throws {
        #expect(try RequestBodyReader.text(of: ByteBuffer(string: "journey: 汉字 🛒")) == "journey: 汉字 🛒")
        for (bytes, offset) in [(Array("journey: ".utf8) + [0xF0, 0x9F, 0x98] + Array("x".utf8), 9), ([0xFF], 0)] {
            do {
                _ = try RequestBodyReader.text(of: ByteBuffer(bytes: bytes))
                Issue.record("accepted \(bytes)")
            } catch let error as APIError {
                #expect(error.code == "invalid_utf8")
                #expect(error.message.contains("offset \(offset)"), "\(error.message)")
            }
        }
    }

    @Test func aBatchWithOneBadEventAppliesNothing() async throws {
        try await TestNode.run(journeys: ["welcome.yaml": Self.journey]) { node in
            let client = node.client()
            let batch: JSONValue = ["batch": [
                ["customer_id": "first", "event": "signup"],
                ["customer_id": "second", "event": "signup", "time": "not a time"],
            ]]
            let refused = try await client.post("/v1/events", json: batch)
            #expect(refused.status == 400)
            #expect(refused.errorField == "batch[1].time")
            #expect(try await client.get("/v1/customers/first").status == 404)
        }
    }

    @Test func batchesOverTheLimitAndBodiesOverTheSizeAreRefused() async throws {
        try await TestNode.run(config: { _ in "limits: { max_batch: 1000, max_body_bytes: 1048576 }" }) { node in
            let client = node.client()
            let tooMany: JSONValue = .array((0...1_000).map { .object(["customer_id": .string("c\($0)"), "event": "view"]) })
            let overLimit = try await client.post("/v1/events", json: tooMany)
            #expect(overLimit.status == 400)
            #expect(overLimit.errorCode == "batch_too_large")
            #expect(overLimit.errorField == "batch")

            let padding = String(repeating: "x", count: 1_100_000)
            let huge = try await client.post("/v1/events", json: ["customer_id": "c1", "event": "view", "properties": ["pad": .string(padding)]])
            #expect(huge.status == 413)
            #expect(huge.errorCode == "body_too_large")
            #expect(huge.errorField == "body")
        }
    }

    @Test func aBatchIsAcknowledgedWithAcceptedAndDuplicateCounts() async throws {
        try await TestNode.run(journeys: ["welcome.yaml": Self.journey]) { node in
            let client = node.client()
            let batch: JSONValue = ["batch": [
                ["customer_id": "c1", "event": "signup", "id": "e-1", "properties": ["plan": "pro"]],
                ["customer_id": "c2", "event": "signup", "id": "e-2", "time": "2024-03-13T19:23:32+08:00"],
            ]]
            let first = try await client.post("/v1/events", json: batch)
            #expect(first.status == 202)
            #expect(first.number("accepted") == 2)
            let again = try await client.post("/v1/events", json: batch)
            #expect(again.status == 202)
            #expect(again.number("accepted") == 0)
            #expect(again.number("duplicates") == 2)
            try await eventually("c2's event is applied") {
                try await client.get("/v1/customers/c2").status == 200
            }
            let customer = try await client.get("/v1/customers/c2")
            #expect(customer.json[path: ["profile", "first_seen_at"]] == "2024-03-13T11:23:32Z")

            // Any customer id works in the path once percent-encoded.
            #expect(try await client.post("/v1/events", json: ["customer_id": "a b/ü", "event": "signup"]).status == 202)
            try await eventually("the odd id is found") { try await client.get("/v1/customers/a%20b%2F%C3%BC").status == 200 }
        }
    }

    @Test func profilesAreValidatedAndApplied() async throws {
        try await TestNode.run { node in
            let client = node.client()
            let bad = try await client.post("/v1/profiles", json: ["customer_id": "c1", "consent": ["email": "yes"]])
            #expect(bad.status == 400)
            #expect(bad.errorField == "consent.email")
            let good = try await client.post("/v1/profiles", json: [
                "customer_id": "c1", "attributes": ["first_name": "Mei"], "identities": ["email": "mei@example.cn"], "consent": ["email": true],
            ])
            #expect(good.status == 202)
            try await eventually("the profile is applied") {
                try await client.get("/v1/customers/c1").json[path: ["profile", "first_name"]] == "Mei"
            }
            let customer = try await client.get("/v1/customers/c1")
            #expect(customer.json[path: ["profile", "email"]] == "mei@example.cn")
            #expect(customer.json[path: ["profile", "consent", "email"]] == true)
        }
    }

    @Test func unknownThingsAre404WithJSON() async throws {
        try await TestNode.run { node in
            let client = node.client()
            let customer = try await client.get("/v1/customers/nobody")
            #expect(customer.status == 404)
            #expect(customer.errorCode == "unknown_customer")
            let journey = try await client.delete("/v1/journeys/nothing")
            #expect(journey.status == 404)
            #expect(journey.errorCode == "unknown_journey")
            let stats = try await client.get("/v1/journeys/nothing/stats")
            #expect(stats.status == 404)
            let route = try await client.get("/v1/nowhere")
            #expect(route.status == 404)
            #expect(route.errorCode == "not_found")
        }
    }
}
