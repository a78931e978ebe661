import Foundation
import JourneyModel

/// The state change of a group of applied inputs, committed in one transaction:
/// snapshots, timers, outbox rows, the inbox position and the action history.
public struct ShardCommit: Sendable {
    public var snapshots: [CustomerState]
    public var timersSet: [TimerRequest]
    public var timersDeleted: [TimerKey]
    public var outbox: [OutboundMessage]
    /// The inbox sequence of the last input whose effects this commit holds.
    public var appliedInboxSequence: Int64?
    public var actions: [ActionRecord]

    public init(
        snapshots: [CustomerState] = [], timersSet: [TimerRequest] = [], timersDeleted: [TimerKey] = [],
        outbox: [OutboundMessage] = [], appliedInboxSequence: Int64? = nil, actions: [ActionRecord] = []
    ) {
        self.snapshots = snapshots
        self.timersSet = timersSet
        self.timersDeleted = timersDeleted
        self.outbox = outbox
        self.appliedInboxSequence = appliedInboxSequence
        self.actions = actions
    }

    public var isEmpty: Bool {
        snapshots.isEmpty && timersSet.isEmpty && timersDeleted.isEmpty && outbox.isEmpty && appliedInboxSequence == nil && actions.isEmpty
    }
}

/// A timer's identity: tokens are unique per customer.
public struct TimerKey: Sendable, Hashable, Codable {
    public var customerID: String
    public var token: UInt64

    public init(customerID: String, token: UInt64) {
        self.customerID = customerID
        self.token = token
    }
}

/// A send in the outbox and where its delivery stands.
public struct OutboxEntry: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, delivered, deadLettered = "dead_lettered"
    }

    public var message: OutboundMessage
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?

    public init(message: OutboundMessage, status: Status = .pending, attempts: Int = 0, nextAttemptAt: Date, lastError: String? = nil) {
        self.message = message
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// The outcome of one delivery attempt.
public struct OutboxUpdate: Sendable, Hashable {
    public var idempotencyKey: String
    public var status: OutboxEntry.Status
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?

    public init(idempotencyKey: String, status: OutboxEntry.Status, attempts: Int, nextAttemptAt: Date, lastError: String? = nil) {
        self.idempotencyKey = idempotencyKey
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// A deployed journey version as stored: the definition and its source text.
public struct StoredJourneyVersion: Sendable, Hashable, Codable {
    public var journeyID: String
    public var version: Int
    public var definition: JourneyDefinition
    /// A hash of the definition: deploying an unchanged journey creates no new version.
    public var contentHash: String
    public var deployedAt: Date
    /// False once undeployed: no new entries, runs finish.
    public var active: Bool

    public init(journeyID: String, version: Int, definition: JourneyDefinition, contentHash: String, deployedAt: Date, active: Bool) {
        self.journeyID = journeyID
        self.version = version
        self.definition = definition
        self.contentHash = contentHash
        self.deployedAt = deployedAt
        self.active = active
    }
}
