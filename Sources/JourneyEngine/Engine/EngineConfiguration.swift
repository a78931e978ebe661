import Foundation
import JourneyRuntime

/// How an engine runs: the knobs an operator sets, with the defaults a single node uses.
public struct EngineConfiguration: Sendable {
    /// Fixed when a data directory is created; every node of a cluster agrees on it.
    public var shardCount: Int
    public var passivation: PassivationPolicy
    /// Which channels a customer is reachable on.
    public var channels: ChannelRules
    /// Whether segment rechecks that cannot let anyone in are skipped
    /// (``Interpreter/predictsSegmentRechecks``); entries are the same either way.
    public var predictsSegmentRechecks: Bool
    /// Whether sends and webhooks produce outbox messages (``Interpreter/emitsDeliveries``):
    /// always on a node; off for a simulation that reads only the actions.
    public var emitsDeliveries: Bool
    /// How far accepting may run ahead of applying, per shard.
    public var backlog: BacklogPolicy

    public init(
        shardCount: Int = 8, passivation: PassivationPolicy = PassivationPolicy(), channels: ChannelRules = .everyChannel,
        predictsSegmentRechecks: Bool = true, emitsDeliveries: Bool = true, backlog: BacklogPolicy = BacklogPolicy()
    ) {
        self.shardCount = shardCount
        self.passivation = passivation
        self.backlog = backlog
        self.channels = channels
        self.predictsSegmentRechecks = predictsSegmentRechecks
        self.emitsDeliveries = emitsDeliveries
    }
}

/// The outcome of deploying one journey definition.
public struct DeployOutcome: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable {
        /// A new version now takes entries.
        case deployed
        /// The same content was already the active version: nothing changed.
        case unchanged
    }

    public var journeyID: String
    public var version: Int
    public var change: Change

    public init(journeyID: String, version: Int, change: Change) {
        self.journeyID = journeyID
        self.version = version
        self.change = change
    }
}
