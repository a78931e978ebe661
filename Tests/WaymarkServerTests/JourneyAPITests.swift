import Foundation
import JourneyModel
import Testing
import WaymarkServer

/// Deploying, listing and undeploying journeys over HTTP, validated like `waymark validate`.
@Suite struct JourneyAPITests {
    static let journey = """
        journey: nudge
        name: A nudge
        entry: { event: signup }
        steps:
          - id: wait
            wait: 1h
          - id: hello
            send: { channel: sms, template: hello }
        """

    @Test func anInvalidJourneyIs422WithEveryDiagnostic() async throws {
        try await TestNode.run(templates: ["hello.mustache": "hi"]) { node in
            let client = node.client()
            let broken = """
                journey: broken
                entry: { event: signup }
                steps:
                  - id: hello
                    send: { channel: sms, template: helo }
                    next: nowhere
                """
            let answer = try await client.post("/v1/journeys?file=broken.yaml", text: broken, contentType: "application/yaml")
            #expect(answer.status == 422)
            #expect(answer.errorCode == "invalid_journey")
            #expect(answer.errorField == "body")
            let diagnostics = answer.json[path: ["error", "diagnostics"]].arrayValue ?? []
            let codes = Set(diagnostics.compactMap { $0[path: ["code"]].stringValue })
            #expect(codes.contains("missing-template"), "\(answer.text)")
            #expect(diagnostics.allSatisfy { $0[path: ["file"]] == "broken.yaml" && ($0[path: ["line"]].numberValue ?? 0) > 0 })
            #expect(diagnostics.contains { $0[path: ["hint"]].stringValue?.contains("hello") == true }, "a did-you-mean hint for the template")

            let syntax = try await client.post("/v1/journeys", text: "journey: [unclosed", contentType: "application/yaml")
            #expect(syntax.status == 422)
            #expect(try await client.get("/v1/journeys").json[path: ["journeys"]] == [])
        }
    }

    /// An inline message that Mustache cannot read is refused at deploy, with where it is,
    /// instead of every send being dead-lettered later.
    @Test func anInlineTemplateThatDoesNotParseIs422() async throws {
        try await TestNode.run(templates: ["hello.mustache": "hi"]) { node in
            let journey = """
                journey: vip
                entry: { event: signup }
                steps:
                  - id: hello
                    send: { channel: sms, message: "Hi {{#profile.vip}}VIP" }
                """
            let answer = try await node.client().post("/v1/journeys?file=vip.yaml", text: journey, contentType: "application/yaml")
            #expect(answer.status == 422)
            let diagnostic = answer.json[path: ["error", "diagnostics"]].arrayValue?.first
            #expect(diagnostic?[path: ["code"]] == "invalid-template", "\(answer.text)")
            #expect(diagnostic?[path: ["line"]] == .number(5))
            #expect(diagnostic?[path: ["message"]].stringValue?.contains("a section is never closed") == true, "\(answer.text)")
        }
        #expect(MustacheSyntax.check("Hi {{profile.first_name}}, {{#vip}}VIP{{/vip}}") == nil)
        #expect(MustacheSyntax.check("{{%CONTENT_TYPE:TEXT}}ok") == nil)
        #expect(MustacheSyntax.check("Hi {{#vip}}VIP")?.message == "a section is never closed (`{{#name}}…{{/name}}`)")
    }

    @Test func deployListAndUndeploy() async throws {
        try await TestNode.run(templates: ["hello.mustache": "hi"]) { node in
            let client = node.client()
            let first = try await client.post("/v1/journeys", text: Self.journey, contentType: "application/yaml")
            #expect(first.status == 201)
            #expect(first.json[path: ["change"]] == "deployed")
            #expect(first.number("version") == 1)
            let same = try await client.post("/v1/journeys", text: Self.journey, contentType: "application/yaml")
            #expect(same.status == 200)
            #expect(same.json[path: ["change"]] == "unchanged")
            let changed = try await client.post("/v1/journeys", text: Self.journey.replacingOccurrences(of: "1h", with: "2h"), contentType: "application/yaml")
            #expect(changed.number("version") == 2)

            let list = try await client.get("/v1/journeys")
            let nudge = list.json[path: ["journeys"]].arrayValue?.first
            #expect(nudge?[path: ["id"]] == "nudge")
            #expect(nudge?[path: ["name"]] == "A nudge")
            #expect(nudge?[path: ["version"]] == 2)
            #expect(nudge?[path: ["versions"]].arrayValue?.count == 2)

            _ = try await client.post("/v1/events", json: ["customer_id": "c1", "event": "signup"])
            try await eventually("c1 is in the journey") {
                try await client.get("/v1/customers/c1").json[path: ["runs"]].arrayValue?.count == 1
            }
            let customer = try await client.get("/v1/customers/c1")
            let run = customer.json[path: ["runs"]].arrayValue?.first
            #expect(run?[path: ["step"]] == "wait")
            #expect(run?[path: ["version"]] == 2)
            #expect(run?[path: ["next_deadline"]].stringValue != nil)

            let badQuery = try await client.delete("/v1/journeys/nudge?exit_runs=maybe")
            #expect(badQuery.status == 400)
            #expect(badQuery.errorField == "exit_runs")
            let removed = try await client.delete("/v1/journeys/nudge?exit_runs=true")
            #expect(removed.status == 200)
            try await eventually("the run ends with the undeploy") {
                try await client.get("/v1/customers/c1").json[path: ["runs"]] == []
            }
            let after = try await client.get("/v1/journeys").json[path: ["journeys"]].arrayValue?.first
            #expect(after?[path: ["active"]] == false)
            #expect(try await client.delete("/v1/journeys/nudge").status == 404, "already undeployed")
            // Stats count what was committed; the run's end is readable from the actor a moment before.
            try await eventually("the stats count the undeploy") {
                try await client.get("/v1/journeys/nudge/stats").json[path: ["exited", "undeployed"]] == 1
            }
            let stats = try await client.get("/v1/journeys/nudge/stats")
            #expect(stats.number("entered") == 1)
            #expect(stats.json[path: ["exited", "undeployed"]] == 1)
        }
    }
}
