import Foundation
import JourneyEngine
import JourneyRuntime
import JourneyStorage
import WaymarkCluster
import WaymarkRemoting

/// Everything an operator can set for a node, with the defaults `waymark serve`
/// uses when there is no config file: `./data`, port 8080 on 127.0.0.1 only,
/// `./journeys`, no auth, every channel delivered to the log.
///
/// A plain value so that the CLI, the config file and the tests build nodes the
/// same way; ``NodeConfiguration/load(file:)`` reads the YAML form.
public struct NodeConfiguration: Sendable, Hashable {
    /// The interface to bind. Without a config file a node is only reachable from this machine.
    public var host: String = "127.0.0.1"
    /// 0 asks the system for a free port (tests).
    public var port: Int = 8080
    public var dataDirectory: String = "data"
    /// Used when the data directory is created (nil: 8). When set, opening a directory made with
    /// another count is refused rather than moving customers between shards.
    public var shardCount: Int?
    public var durability: SQLiteShardStore.Options.Synchronous = .full
    /// Write-ahead log pages each shard file holds before a checkpoint (``SQLiteShardStore/Options/checkpointPages``).
    public var checkpointPages = SQLiteShardStore.Options().checkpointPages

    /// How each shard file is opened.
    var storeOptions: SQLiteShardStore.Options {
        SQLiteShardStore.Options(synchronous: durability, checkpointPages: checkpointPages)
    }
    /// Journey files deployed at start; its `templates/` folder feeds the renderer and validation.
    public var journeysDirectory: String = "journeys"
    public var passivation = Passivation()
    public var auth = Auth()
    /// Channel name → settings. Empty: every channel goes to the log and everyone is reachable.
    public var channels: [String: Channel] = [:]
    public var retry = Retry()
    public var limits = Limits()
    /// Cluster membership; nil: an embedded single node (the default).
    public var cluster: ClusterSettings?
    /// Node-to-node calls in a cluster (`cluster.grpc`); nil: none, customers answer on their owner only.
    public var clusterGRPC: RemotingSettings?
    /// Where the settings came from (`nil`: built-in defaults), for the startup log.
    public var source: String?

    public init() {}

    /// Idle customer actors leave memory after `idleTimeout`, or when more than `maximumResident` are in it;
    /// each shard keeps `timerWindow` pending timers in memory and reads the rest from its store;
    /// actors unused for `compactAfter` keep their state packed until their next input.
    public struct Passivation: Sendable, Hashable {
        public var idleTimeout: TimeInterval = 300
        public var maximumResident: Int = 100_000
        public var timerWindow: Int = 25_000
        public var compactAfter: TimeInterval = 30
        public init() {}

        /// The engine's policy for these settings.
        public var policy: PassivationPolicy {
            PassivationPolicy(idleTimeout: idleTimeout, maximumResident: maximumResident, timerWindow: timerWindow, compactAfter: compactAfter)
        }
    }

    /// Bearer tokens. With none at all, the API is open (and the node should then listen on loopback only).
    public struct Auth: Sendable, Hashable {
        /// May only `POST /v1/events` and `POST /v1/profiles`.
        public var ingestTokens: [String] = []
        /// May call everything.
        public var adminTokens: [String] = []
        public init() {}

        public var isEnabled: Bool { !ingestTokens.isEmpty || !adminTokens.isEmpty }
    }

    /// How one channel's messages leave the node.
    public struct Channel: Sendable, Hashable {
        public enum Adapter: String, Sendable, Hashable, CaseIterable {
            case webhook, file, log
        }

        public var adapter: Adapter = .log
        /// The endpoint a `webhook` adapter POSTs to.
        public var url: String?
        /// The JSONL file a `file` adapter appends to (relative paths are relative to the working directory).
        public var path: String?
        /// Deliveries per second; nil is unlimited.
        public var rateLimit: Double?
        /// The profile field holding the customer's address on this channel; a customer without it is unreachable.
        public var addressField: String?
        /// The key under `profile.consent` that must not be `false`.
        public var consentFlag: String?
        /// Attempts in all before the message is dead-lettered.
        public var maxAttempts: Int = 8
        /// How long one webhook request may take.
        public var timeout: TimeInterval = 10
        /// Whether `{{name}}` in this channel's templates escapes HTML; nil: only on `email`.
        public var escape: Escape?

        /// What a channel's messages are: HTML, where inserted values are escaped, or plain text.
        public enum Escape: String, Sendable, Hashable, CaseIterable {
            case html, text
        }

        public init(adapter: Adapter = .log) {
            self.adapter = adapter
        }
    }

    /// The channels whose messages are HTML (`{{name}}` escapes): `email`, unless its settings say
    /// `escape: text`, and every channel whose settings say `escape: html`.
    public var htmlChannels: Set<String> {
        var names: Set<String> = ["email"]
        for (name, channel) in channels {
            switch channel.escape ?? (name == "email" ? .html : .text) {
            case .html: names.insert(name)
            case .text: names.remove(name)
            }
        }
        return names
    }

    /// Backoff between delivery attempts: base · 2^(attempt−1), capped, with jitter.
    public struct Retry: Sendable, Hashable {
        public var baseDelay: TimeInterval = 1
        public var maximumDelay: TimeInterval = 600
        public init() {}
    }

    /// Bounds on what one request may carry.
    public struct Limits: Sendable, Hashable {
        /// Larger bodies are refused with 413 before they are parsed.
        public var maximumBodyBytes: Int = 1 << 20
        /// Events (or profiles) in one request.
        public var maximumBatch: Int = 1_000
        public init() {}
    }

    /// The folder of templates beside the journeys.
    public var templatesDirectory: String {
        (journeysDirectory as NSString).appendingPathComponent("templates")
    }
}
