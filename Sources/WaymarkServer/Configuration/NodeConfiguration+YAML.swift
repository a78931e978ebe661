import Foundation
import JourneyStorage
import Yams

extension NodeConfiguration {
    static let topLevelKeys = [
        "host", "port", "data", "shard_count", "durability", "checkpoint_pages", "journeys", "auth", "passivation", "channels", "retry", "limits",
        "cluster",
    ]
    static let channelKeys = ["adapter", "url", "path", "rate_limit", "address_field", "consent_flag", "max_attempts", "timeout", "escape"]

    /// Reads a config file. Unknown keys, wrong types and bad values are errors with their line.
    public static func load(file: String) throws -> NodeConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigurationError(.unreadable, "cannot read the config file: \(error.localizedDescription)", file: file)
        }
        return try parse(text, file: file)
    }

    /// Reads config text; `file` names it in errors. Keys not written keep their defaults.
    public static func parse(_ text: String, file: String) throws -> NodeConfiguration {
        var configuration = NodeConfiguration()
        configuration.source = file
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(.syntax, "YAML syntax error: \(error)", file: file)
        }
        guard let root else { return configuration }
        for (key, value) in try ConfigNode(node: root, file: file).mapping("the config file", allowed: topLevelKeys) {
            switch key {
            case "host": configuration.host = try value.string("host")
            case "port": configuration.port = try value.int("port", atLeast: 0)
            case "data": configuration.dataDirectory = try value.string("data")
            case "shard_count": configuration.shardCount = try value.int("shard_count", atLeast: 1)
            case "durability": configuration.durability = try value.oneOf("durability", SQLiteShardStore.Options.Synchronous.self)
            case "checkpoint_pages": configuration.checkpointPages = try value.int("checkpoint_pages", atLeast: 1)
            case "journeys": configuration.journeysDirectory = try value.string("journeys")
            case "auth": configuration.auth = try readAuth(value)
            case "passivation": configuration.passivation = try readPassivation(value)
            case "channels": configuration.channels = try readChannels(value)
            case "retry": configuration.retry = try readRetry(value)
            case "limits": configuration.limits = try readLimits(value)
            case "cluster":
                configuration.cluster = try readCluster(value)
                configuration.clusterGRPC = try readClusterGRPC(value)
            default: break
            }
        }
        if configuration.port > 65_535 {
            throw ConfigurationError(.invalidValue, "port must be at most 65535", file: file)
        }
        return configuration
    }

    private static func readAuth(_ node: ConfigNode) throws -> Auth {
        var auth = Auth()
        for (key, value) in try node.mapping("auth", allowed: ["ingest", "admin"]) {
            let tokens = try value.stringList("auth.\(key)")
            if let short = tokens.first(where: { $0.count < 16 }) {
                throw value.error(.invalidValue, "auth.\(key) tokens must be at least 16 characters (`\(short.prefix(4))…` is \(short.count))")
            }
            if key == "ingest" { auth.ingestTokens = tokens } else { auth.adminTokens = tokens }
        }
        return auth
    }

    private static func readPassivation(_ node: ConfigNode) throws -> Passivation {
        var passivation = Passivation()
        for (key, value) in try node.mapping("passivation", allowed: ["idle_timeout", "max_resident", "timer_window", "compact_after"]) {
            switch key {
            case "idle_timeout": passivation.idleTimeout = try value.duration("passivation.idle_timeout")
            case "compact_after":
                // `never` keeps every resident customer's state unpacked (more memory, no unpacking).
                passivation.compactAfter = (try? value.string("passivation.compact_after")) == "never"
                    ? .infinity : try value.duration("passivation.compact_after")
            case "timer_window": passivation.timerWindow = try value.int("passivation.timer_window", atLeast: 1)
            default: passivation.maximumResident = try value.int("passivation.max_resident", atLeast: 1)
            }
        }
        return passivation
    }

    private static func readRetry(_ node: ConfigNode) throws -> Retry {
        var retry = Retry()
        for (key, value) in try node.mapping("retry", allowed: ["base_delay", "max_delay"]) {
            if key == "base_delay" { retry.baseDelay = try value.duration("retry.base_delay") } else { retry.maximumDelay = try value.duration("retry.max_delay") }
        }
        return retry
    }

    private static func readLimits(_ node: ConfigNode) throws -> Limits {
        var limits = Limits()
        for (key, value) in try node.mapping("limits", allowed: ["max_body_bytes", "max_batch"]) {
            if key == "max_body_bytes" {
                limits.maximumBodyBytes = try value.int("limits.max_body_bytes", atLeast: 1024)
            } else {
                limits.maximumBatch = try value.int("limits.max_batch", atLeast: 1)
            }
        }
        return limits
    }

    private static func readChannels(_ node: ConfigNode) throws -> [String: Channel] {
        var channels: [String: Channel] = [:]
        for (name, value) in try node.mapping("channels", allowed: []) {
            var channel = Channel()
            let what = "channels.\(name)"
            for (key, setting) in try value.mapping(what, allowed: channelKeys) {
                switch key {
                case "adapter": channel.adapter = try setting.oneOf("\(what).adapter", Channel.Adapter.self)
                case "url": channel.url = try setting.string("\(what).url")
                case "path": channel.path = try setting.string("\(what).path")
                case "rate_limit": channel.rateLimit = try setting.positiveNumber("\(what).rate_limit")
                case "address_field": channel.addressField = try setting.string("\(what).address_field")
                case "consent_flag": channel.consentFlag = try setting.string("\(what).consent_flag")
                case "max_attempts": channel.maxAttempts = try setting.int("\(what).max_attempts", atLeast: 1)
                case "timeout": channel.timeout = try setting.duration("\(what).timeout")
                case "escape": channel.escape = try setting.oneOf("\(what).escape", Channel.Escape.self)
                default: break
                }
            }
            switch channel.adapter {
            case .webhook where name == "webhook" && channel.url == nil:
                break  // `webhook` steps carry their own URL
            case .webhook:
                guard let url = channel.url, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? "") else {
                    throw value.error(.invalidValue, "\(what) uses the webhook adapter and needs `url: http(s)://…`")
                }
            case .file:
                guard channel.path != nil else { throw value.error(.invalidValue, "\(what) uses the file adapter and needs `path:`") }
            case .log: break
            }
            channels[name] = channel
        }
        return channels
    }
}
