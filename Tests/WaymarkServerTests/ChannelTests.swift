import AsyncHTTPClient
import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Logging
import Testing
import WaymarkServer

/// The renderer and the adapters on their own: template choice, Mustache
/// contexts, and which webhook failures are worth retrying.
@Suite struct ChannelTests {
    static func message(
        channel: String = "email", template: String? = "cart_reminder", inline: String? = nil, kind: OutboundMessage.Kind = .send,
        webhook: Webhook? = nil
    ) -> OutboundMessage {
        OutboundMessage(
            idempotencyKey: "cart/1/remind/1/mei", kind: kind, time: Date(timeIntervalSince1970: 1_710_000_000), customerID: "mei",
            journeyID: "cart", version: 2, run: 1, stepID: "remind", visit: 1, channel: channel, template: template, message: inline,
            data: ["code": "SAVE10", "percent": 10], webhook: webhook,
            profile: ["first_name": "Mei", "email": "mei@example.cn", "loyalty": ["points": 1200]],
            event: EventContext(name: "add_to_cart", time: Date(timeIntervalSince1970: 1_710_000_000), properties: ["product_name": "Oolong", "value": 199.5]),
            variant: nil, enteredAt: Date(timeIntervalSince1970: 1_709_996_400))
    }

    static func renderer(_ templates: [String: String], htmlChannels: Set<String> = ["email"]) throws -> MustacheMessageRenderer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in templates { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        defer { try? FileManager.default.removeItem(at: folder) }
        return try MustacheMessageRenderer(directory: folder.path, htmlChannels: htmlChannels)
    }

    @Test func theChannelSpecificTemplateWinsAndSeesTheWholeContext() throws {
        let renderer = try Self.renderer([
            "cart_reminder.mustache": "generic",
            "cart_reminder.email.mustache": "{{profile.first_name}} ({{profile.customer_id}}): {{event.product_name}} ¥{{event.value}}, {{data.code}} -{{data.percent}}%, {{profile.loyalty.points}} pts, {{journey.id}} v{{journey.version}} run {{journey.run}} at {{journey.step}} since {{journey.entered_at}}",
        ])
        #expect(try renderer.render(Self.message()) == "Mei (mei): Oolong ¥199.5, SAVE10 -10%, 1200 pts, cart v2 run 1 at remind since 2024-03-09T15:00:00Z")
        #expect(try renderer.render(Self.message(channel: "sms")) == "generic")
        #expect(try renderer.render(Self.message(template: nil, inline: "Hi {{profile.first_name}}, {{event.name}}")) == "Hi Mei, add_to_cart")
        #expect(throws: RenderError.self) { try renderer.render(Self.message(template: "missing")) }
    }

    @Test func aRunWithoutAVariantOrEntryTimeRendersThemAsNothing() throws {
        let renderer = try Self.renderer(["t.mustache": "[{{journey.variant}}][{{journey.entered_at}}]{{#journey.variant}}in a split{{/journey.variant}}{{^journey.variant}}no split{{/journey.variant}}"])
        var message = Self.message(template: "t")
        message.enteredAt = nil
        #expect(try renderer.render(message) == "[][]no split")
        message.variant = "coupon"
        #expect(try renderer.render(message) == "[coupon][]in a split")
    }

    /// `{{name}}` escapes HTML only on HTML channels (`email` unless configured otherwise): an SMS
    /// or a push carries `Tom & Jerry's`, never `Tom &amp; Jerry&#39;s`. `{{{name}}}` never escapes,
    /// and a template may choose for itself with a content-type pragma.
    @Test func onlyHTMLChannelsEscapeWhatTemplatesInsert() throws {
        let templates = ["note.mustache": "Hi {{profile.first_name}} / {{{profile.first_name}}}", "forced.mustache": "{{%CONTENT_TYPE:HTML}}{{profile.first_name}}"]
        let renderer = try Self.renderer(templates)
        var message = Self.message(channel: "sms", template: "note")
        message.profile = ["first_name": "Tom & Jerry's <b>"]
        #expect(try renderer.render(message) == "Hi Tom & Jerry's <b> / Tom & Jerry's <b>")
        message.channel = "email"
        #expect(try renderer.render(message) == "Hi Tom &amp; Jerry&#39;s &lt;b&gt; / Tom & Jerry's <b>")
        message.channel = "push"
        message.template = nil
        message.message = "{{profile.first_name}}!"
        #expect(try renderer.render(message) == "Tom & Jerry's <b>!")
        message.channel = "sms"
        message.template = "forced"
        #expect(try renderer.render(message) == "Tom &amp; Jerry&#39;s &lt;b&gt;")
        // The channels are the node's to say: here in-app messages are HTML and email is text.
        let configured = try Self.renderer(templates, htmlChannels: ["in_app"])
        message.template = "note"
        message.channel = "in_app"
        #expect(try configured.render(message) == "Hi Tom &amp; Jerry&#39;s &lt;b&gt; / Tom & Jerry's <b>")
        message.channel = "email"
        #expect(try configured.render(message) == "Hi Tom & Jerry's <b> / Tom & Jerry's <b>")
    }

    @Test func aTemplateThatDoesNotParseStopsTheStart() {
        #expect(throws: RenderError.self) { try Self.renderer(["broken.mustache": "{{#open}} never closed"]) }
    }

    @Test func webhookBodiesRenderEveryStringLeaf() throws {
        let renderer = try Self.renderer([:])
        let webhook = Webhook(url: "https://crm.example/{{customer_id}}", body: .json(["who": "{{profile.first_name}}", "n": 3, "tags": ["{{event.product_name}}", "fixed"]]))
        let body = try #require(try renderer.render(Self.message(kind: .webhook, webhook: webhook)))
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
        #expect(json == ["who": "Mei", "n": 3, "tags": ["Oolong", "fixed"]])
    }

    @Test func webhookBodiesHeadersAndURLsCarryValuesWithoutHTMLEntities() throws {
        let renderer = try Self.renderer([:])
        var message = Self.message(
            kind: .webhook,
            webhook: Webhook(
                url: "https://crm.example/c/{{customer_id}}?name={{profile.first_name}}", headers: ["X-Name": "{{profile.first_name}}"],
                body: .json(["cid": "{{customer_id}}", "name": "{{profile.first_name}}", "raw": "{{{profile.first_name}}}"])))
        message.customerID = "O'Brien & Co"
        message.profile = ["first_name": "Zoë <3 \"x\""]
        let body = try #require(try renderer.render(message))
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
        #expect(json == ["cid": "O'Brien & Co", "name": "Zoë <3 \"x\"", "raw": "Zoë <3 \"x\""], "a CRM gets the values, not HTML entities")
        #expect(
            try renderer.renderInline(message.webhook!.url, for: message, escaping: .url)
                == "https://crm.example/c/O%27Brien%20%26%20Co?name=Zo%C3%AB%20%3C3%20%22x%22")
        #expect(try renderer.renderInline("{{profile.first_name}}", for: message, escaping: .text) == "Zoë <3 \"x\"")
        #expect(try renderer.renderInline("{{profile.first_name}}", for: message) == "Zoë &lt;3 &quot;x&quot;", "message texts keep Mustache's HTML escaping")
    }

    /// Runs `body` with a webhook receiver on loopback, an adapter posting to its `/email`, and a delivery.
    static func withReceiver(
        _ receiver: WebhookReceiver, logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (WebhookChannelAdapter, Delivery, Logger) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await receiver.run() }
            let base = "http://127.0.0.1:\(await receiver.listening.wait())"
            let adapter = WebhookChannelAdapter(url: base + "/email", timeout: 5, addressField: "email", client: .webhooks, renderer: nil, logger: logger)
            try await body(adapter, Delivery(message: Self.message(), body: "hello", attempt: 1), logger)
            group.cancelAll()
        }
    }

    @Test func webhookFailuresAreRetryableOnlyWhenRetryingCanHelp() async throws {
        let receiver = WebhookReceiver()
        try await Self.withReceiver(receiver) { adapter, delivery, logger in
            try await adapter.deliver(delivery)
            for (status, retryable) in [(500, true), (503, true), (429, true), (408, true), (400, false), (404, false), (422, false)] {
                receiver.failNext(1, status: status)
                do {
                    try await adapter.deliver(delivery)
                    Issue.record("\(status) was taken as success")
                } catch let error as DeliveryError {
                    #expect(error.isRetryable == retryable, "\(status)")
                }
            }
            #expect(receiver.received.allSatisfy { $0.idempotencyKey == "cart/1/remind/1/mei" })

            let closed = WebhookChannelAdapter(url: "http://127.0.0.1:1/nothing", timeout: 2, addressField: nil, client: .shared, renderer: nil, logger: logger)
            do {
                try await closed.deliver(delivery)
                Issue.record("a refused connection was taken as success")
            } catch let error as DeliveryError {
                #expect(error.isRetryable, "a connection failure is retried")
            }
        }
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func aRedirectIsAFinalFailureNotAFollowedGet(status: Int) async throws {
        let receiver = WebhookReceiver()
        try await Self.withReceiver(receiver) { adapter, delivery, _ in
            receiver.failNext(1, status: status)
            do {
                try await adapter.deliver(delivery)
                Issue.record("a \(status) was taken as delivered")
            } catch let error as DeliveryError {
                #expect(!error.isRetryable, "\(error)")
                #expect(error.message.contains("/moved"), "the failure names where the receiver moved: \(error.message)")
            }
            // Followed, the redirect would have arrived as a second request (a GET without the body).
            #expect(receiver.received.map(\.method) == ["POST"])
            #expect(receiver.received.map(\.path) == ["/email"])
        }
    }

    @Test func theStatusDecidesHoweverLargeTheAnswersBodyIs() async throws {
        let receiver = WebhookReceiver()
        receiver.answerWithBody(bytes: 200_000)
        try await Self.withReceiver(receiver) { adapter, delivery, _ in
            // A 200 with a long answer was delivered: retrying it would send the message again.
            try await adapter.deliver(delivery)
            // A 400 with a long answer is a refusal: final, not retried.
            receiver.failNext(1, status: 400)
            do {
                try await adapter.deliver(delivery)
                Issue.record("a 400 was taken as success")
            } catch let error as DeliveryError {
                #expect(!error.isRetryable, "\(error)")
            }
            #expect(receiver.received.count == 2)
        }
    }

    @Test func theFileChannelsLineCarriesTheAddressAndData() throws {
        var message = Self.message(channel: "push")
        message.profile = ["device": ["token": "tok-1"]]
        let line = FileChannelAdapter.line(for: Delivery(message: message, body: "hi", attempt: 1), addressField: "device.token")
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        #expect(json[path: ["address"]] == "tok-1", "an importer reading the file needs to know where the message goes")
        #expect(json[path: ["data"]] == ["code": "SAVE10", "percent": 10])
        #expect(json[path: ["idempotency_key"]] == "cart/1/remind/1/mei")
    }

    @Test func theFileChannelAppendsRenderedLinesAndConsentIsHonoured() async throws {
        let journey = """
            journey: hello
            entry: { event: signup }
            steps:
              - id: greet
                send: { channel: [sms, email], message: "Hello {{profile.first_name}}" }
            """
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-sms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sms.jsonl").path
        try await TestNode.run(journeys: ["hello.yaml": journey], config: { _ in
            """
            channels:
              sms: { adapter: file, path: \(path), address_field: phone, consent_flag: sms, rate_limit: 100 }
              email: { adapter: log, address_field: email }
            """
        }) { node in
            let client = node.client()
            _ = try await client.post("/v1/profiles", json: ["batch": [
                ["customer_id": "yes", "attributes": ["first_name": "Yu", "phone": "+861"]],
                ["customer_id": "no", "attributes": ["first_name": "Na", "phone": "+862", "email": "na@example.cn"], "consent": ["sms": false]],
            ]])
            _ = try await client.post("/v1/events", json: [["customer_id": "yes", "event": "signup"], ["customer_id": "no", "event": "signup"]])
            try await eventually("the sms line is written") {
                ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains("Hello Yu")
            }
            try await eventually("both runs are done") {
                try await client.get("/v1/journeys/hello/stats").number("sends") == 2
            }
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 1, "the customer without sms consent fell back to email")
            let no = try await client.get("/v1/customers/no")
            #expect((no.json[path: ["actions"]].arrayValue ?? []).contains { $0[path: ["channel"]] == "email" && $0[path: ["action"]] == "send" })
        }
    }
}
