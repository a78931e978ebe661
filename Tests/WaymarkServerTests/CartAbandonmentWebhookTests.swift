import Foundation
import JourneyModel
import Testing
import WaymarkServer

/// The whole path on real sockets: events in over HTTP, a short wait fires,
/// the message goes out through the webhook adapter to a local HTTP server,
/// retried after injected 500s, exactly once per send.
@Suite struct CartAbandonmentWebhookTests {
    static let journey = """
        journey: cart-quick
        entry: { event: add_to_cart, where: "event.value > 0" }
        exit: [{ event: purchase }]
        steps:
          - id: grace
            wait_for: { event: purchase, timeout: 2s }
          - id: remind
            send: { channel: email, template: cart_reminder }
          - id: crm
            webhook:
              url: "{{data.base}}/crm/{{customer_id}}"
              headers: { X-Journey: "{{journey.id}}" }
              body:
                customer: "{{profile.customer_id}}"
                product: "{{event.product_name}}"
        """

    static let templates = [
        "cart_reminder.mustache": "generic {{event.product_name}}",
        "cart_reminder.email.mustache": "Hi {{profile.first_name}}, {{event.product_name}} (¥{{event.value}}) is still in your cart.",
    ]

    static func config(_ receiver: String) -> String {
        """
        retry: { base_delay: 100ms, max_delay: 1s }
        channels:
          email:
            adapter: webhook
            url: \(receiver)/email
            address_field: email
            consent_flag: email
            max_attempts: 5
            timeout: 5s
          webhook:
            adapter: webhook
        """
    }

    @Test func aShortJourneyFiresAndEachSendArrivesOnceAfterRetries() async throws {
        let receiver = WebhookReceiver()
        receiver.failNext(2)
        // The webhook step's URL comes from the journey; point it at the receiver through a rewrite.
        let journey = Self.journey.replacingOccurrences(of: "{{data.base}}", with: "RECEIVER")
        try await TestNode.run(templates: Self.templates, receiver: receiver, config: Self.config) { node in
            let client = node.client()
            let yaml = journey.replacingOccurrences(of: "RECEIVER", with: node.receiverURL)
            let deployed = try await client.post("/v1/journeys", text: yaml, contentType: "application/yaml")
            #expect(deployed.status == 201, "\(deployed.text)")

            let profiles: JSONValue = ["batch": [
                ["customer_id": "mei", "attributes": ["first_name": "Mei"], "identities": ["email": "mei@example.cn"]],
                ["customer_id": "li", "attributes": ["first_name": "Li"], "identities": ["email": "li@example.cn"]],
                ["customer_id": "zhou", "attributes": ["first_name": "Zhou"], "identities": ["email": "zhou@example.cn"]],
                ["customer_id": "anon", "attributes": ["first_name": "Anon"]],
            ]]
            #expect(try await client.post("/v1/profiles", json: profiles).status == 202)
            let carts: JSONValue = ["batch": [
                ["customer_id": "mei", "event": "add_to_cart", "id": "cart-mei", "properties": ["value": 199, "product_name": "Oolong"]],
                ["customer_id": "li", "event": "add_to_cart", "id": "cart-li", "properties": ["value": 59, "product_name": "Pu-erh"]],
                ["customer_id": "zhou", "event": "add_to_cart", "id": "cart-zhou", "properties": ["value": 88, "product_name": "Jasmine"]],
                ["customer_id": "anon", "event": "add_to_cart", "id": "cart-anon", "properties": ["value": 10, "product_name": "Sencha"]],
                // Zhou buys within the grace period: no reminder for Zhou. In the same batch, so
                // that a slow machine cannot let the 2 s grace pass before the purchase is applied.
                ["customer_id": "zhou", "event": "purchase", "id": "purchase-zhou", "properties": ["value": 88]],
            ]]
            let accepted = try await client.post("/v1/events", json: carts)
            #expect(accepted.status == 202)
            #expect(accepted.number("accepted") == 5)

            // Mei and Li: one email and one CRM call each. Anon has no email address: the send is suppressed.
            let arrived = await receiver.wait { received in
                let accepted = received.filter { $0.status == 200 }
                return accepted.count { $0.path == "/email" } == 2 && accepted.count { $0.path.hasPrefix("/crm/") } == 3
            }
            #expect(arrived, "received: \(receiver.received.map { "\($0.path) \($0.status)" })")

            let accepted200 = receiver.accepted
            let keys = accepted200.compactMap(\.idempotencyKey)
            #expect(keys.count == accepted200.count, "every request carries Idempotency-Key")
            #expect(Set(keys).count == keys.count, "no key was accepted twice: \(keys.sorted())")
            #expect(receiver.received.count { $0.status == 500 } == 2, "the two injected failures were retried")
            let failedKeys = Set(receiver.received.filter { $0.status == 500 }.compactMap(\.idempotencyKey))
            #expect(failedKeys.isSubset(of: Set(keys)), "a retry carries the same key as the failed attempt")

            let emails = accepted200.filter { $0.path == "/email" }
            let mei = try #require(emails.first { $0.idempotencyKey?.hasSuffix("/mei") == true })
            let document = try JSONDecoder().decode(JSONValue.self, from: Data(mei.body.utf8))
            #expect(document[path: ["body"]] == "Hi Mei, Oolong (¥199) is still in your cart.")
            #expect(document[path: ["address"]] == "mei@example.cn")
            #expect(document[path: ["customer_id"]] == "mei")
            #expect(document[path: ["idempotency_key"]].stringValue == mei.idempotencyKey)
            #expect(!emails.contains { $0.idempotencyKey?.hasSuffix("/zhou") == true })

            let crm = try #require(accepted200.first { $0.path == "/crm/li" })
            let crmBody = try JSONDecoder().decode(JSONValue.self, from: Data(crm.body.utf8))
            #expect(crmBody == ["customer": "li", "product": "Pu-erh"])

            // The journey's live stats and the customer's history agree with what was delivered.
            try await eventually("stats count the sends") {
                try await client.get("/v1/journeys/cart-quick/stats").number("sends") == 5
            }
            let stats = try await client.get("/v1/journeys/cart-quick/stats")
            #expect(stats.number("entered") == 4)
            #expect(stats.number("suppressed") == 1)
            let steps = stats.json[path: ["steps"]].arrayValue ?? []
            let grace = steps.first { $0[path: ["step"]] == "grace" }
            #expect(grace?[path: ["reached"]] == 4)
            #expect(grace?[path: ["timed_out"]] == 3)
            // Zhou's purchase ends the run through the journey's exit rule, before the wait could match it.
            #expect(grace?[path: ["matched"]] == 0)
            #expect(stats.json[path: ["exited"]].objectValue?.values.compactMap(\.numberValue).reduce(0, +) == 4)
            let li = try await client.get("/v1/customers/li")
            #expect((li.json[path: ["actions"]].arrayValue ?? []).map { $0[path: ["action"]].stringValue ?? "" } == ["enter", "send", "webhook", "exit"])

            // Metrics carry every series the operators' dashboards read.
            let series = [
                "waymark_events_accepted_total 5", "waymark_profiles_accepted_total 4", "waymark_inputs_processed_total",
                "waymark_sends_total{channel=\"email\",outcome=\"delivered\"} 2", "waymark_sends_total{channel=\"email\",outcome=\"retried\"}",
                "waymark_sends_total{channel=\"webhook\",outcome=\"delivered\"} 3",
                "waymark_commit_duration_seconds_bucket", "waymark_inbox_append_duration_seconds_count", "waymark_timer_lag_seconds",
                "waymark_active_actors", "waymark_apply_backlog 0", "waymark_outbox_backlog 0", "waymark_timers_pending",
            ]
            // The relays' outcomes and the outbox rows reach the metrics just after the deliveries.
            var metrics = ""
            try await eventually("every series is in /metrics") {
                metrics = try await client.get("/metrics").text
                return series.allSatisfy(metrics.contains)
            }
            for line in series { #expect(metrics.contains(line), "missing \(line)") }
        }
        let final = receiver.accepted.compactMap(\.idempotencyKey)
        #expect(Set(final).count == final.count, "nothing was delivered twice, shutdown included")
    }

    @Test func aReceiverThatRefusesIsNotRetried() async throws {
        let receiver = WebhookReceiver()
        receiver.failNext(1, status: 422)
        let journey = """
            journey: once
            entry: { event: signup }
            steps:
              - id: hello
                send: { channel: email, message: "welcome" }
            """
        try await TestNode.run(journeys: ["once.yaml": journey], receiver: receiver, config: Self.config) { node in
            let client = node.client()
            _ = try await client.post("/v1/profiles", json: ["customer_id": "c1", "identities": ["email": "c1@example.cn"]])
            _ = try await client.post("/v1/events", json: ["customer_id": "c1", "event": "signup"])
            try await eventually("the refusal is dead-lettered") {
                try await client.get("/metrics").text.contains("waymark_sends_total{channel=\"email\",outcome=\"dead_lettered\"} 1")
            }
            #expect(receiver.received.count == 1)
            // The relay counts the outcome as it happens and records it in the store just after.
            try await eventually("the outbox shows the dead letter") {
                try await client.get("/metrics").text.contains("waymark_outbox_dead_lettered 1")
            }
        }
    }
}
