import Foundation
import Testing
import WaymarkServer

/// The config file: every documented key is read, and mistakes are reported with their line.
@Suite struct ConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theExampleConfigReadsCompletely() throws {
        let configuration = try NodeConfiguration.load(file: Self.repository.appendingPathComponent("docs/waymark.example.yaml").path)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 8080)
        #expect(configuration.shardCount == 8)
        #expect(configuration.durability == .full)
        #expect(configuration.checkpointPages == 10_000)
        #expect(configuration.auth.ingestTokens.count == 1)
        #expect(configuration.passivation.idleTimeout == 300)
        #expect(configuration.passivation.policy.timerWindow == 50_000)
        #expect(configuration.passivation.policy.compactAfter == 60)
        #expect(configuration.retry.maximumDelay == 600)
        #expect(configuration.limits.maximumBatch == 1000)
        #expect(Set(configuration.channels.keys) == ["email", "sms", "push", "wechat", "webhook"])
        let sms = try #require(configuration.channels["sms"])
        #expect(sms.adapter == .webhook)
        #expect(sms.rateLimit == 20)
        #expect(sms.addressField == "phone")
        #expect(sms.consentFlag == "sms")
        #expect(sms.maxAttempts == 5)
        #expect(sms.timeout == 5)
        #expect(sms.escape == .text)
        #expect(configuration.channels["push"]?.path == "/var/lib/waymark/push.jsonl")
    }

    @Test func noFileMeansLoopbackDefaults() {
        let configuration = NodeConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.dataDirectory == "data")
        #expect(configuration.journeysDirectory == "journeys")
        #expect(!configuration.auth.isEnabled)
        #expect(configuration.passivation.policy.compactAfter == 30)
    }

    @Test func checkpointPagesReachTheStoreOptions() throws {
        let configuration = try NodeConfiguration.parse("durability: normal\ncheckpoint_pages: 250\n", file: "node.yaml")
        #expect(configuration.checkpointPages == 250)
        #expect(NodeConfiguration().checkpointPages == 10_000)
    }

    /// `escape` says whether `{{name}}` escapes HTML in a channel's messages: `email` by default, no other.
    @Test func onlyEmailEscapesHTMLUnlessAChannelSaysOtherwise() throws {
        #expect(NodeConfiguration().htmlChannels == ["email"])
        let configuration = try NodeConfiguration.parse(
            "channels:\n  email: { adapter: log, escape: text }\n  in_app: { adapter: log, escape: html }\n  sms: { adapter: log }\n", file: "node.yaml")
        #expect(configuration.channels["in_app"]?.escape == .html)
        #expect(configuration.htmlChannels == ["in_app"])
    }

    @Test func packingIdleStateCanBeTurnedOff() throws {
        let configuration = try NodeConfiguration.parse("passivation:\n  compact_after: never\n", file: "node.yaml")
        #expect(configuration.passivation.policy.compactAfter == .infinity)
    }

    /// (config text, line, code, words the message must contain)
    static let mistakes: [(String, Int, ConfigurationError.Code, String)] = [
        ("port: 8080\nprot: 9090\n", 2, .unknownKey, "did you mean `port`?"),
        ("channels:\n  email:\n    adapter: webhook\n    url: http://x\n    rate: 5\n", 5, .unknownKey, "rate"),
        ("channels:\n  email:\n    adapter: pigeon\n", 3, .invalidValue, "webhook, file, log"),
        ("channels:\n  email:\n    adapter: webhook\n", 3, .invalidValue, "url"),
        ("durability: sometimes\n", 1, .invalidValue, "full, normal"),
        ("port: eighty\n", 1, .wrongType, "whole number"),
        ("checkpoint_pages: 0\n", 1, .invalidValue, "at least 1"),
        ("auth:\n  admin: [short]\n", 2, .invalidValue, "16 characters"),
        ("passivation:\n  idle_timeout: soon\n", 2, .invalidValue, "duration"),
        ("passivation:\n  timer_window: 0\n", 2, .invalidValue, "at least 1"),
        ("passivation:\n  compact_after: later\n", 2, .invalidValue, "duration"),
        ("auth: yes\n", 1, .wrongType, "map"),
        ("channels:\n  sms:\n    adapter: log\n    escape: markdown\n", 4, .invalidValue, "html, text"),
    ]

    @Test func mistakesAreReportedWithTheirLine() {
        for (text, line, code, words) in Self.mistakes {
            do {
                _ = try NodeConfiguration.parse(text, file: "node.yaml")
                Issue.record("accepted: \(text)")
            } catch let error as ConfigurationError {
                #expect(error.line == line, "\(text): \(error)")
                #expect(error.code == code, "\(text): \(error)")
                #expect(error.description.contains(words), "\(error)")
                #expect(error.description.hasPrefix("node.yaml:\(line):"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: ConfigurationError.self) { try NodeConfiguration.load(file: "/nonexistent/waymark.yaml") }
    }
}
