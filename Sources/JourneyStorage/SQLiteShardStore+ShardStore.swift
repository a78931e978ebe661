import Foundation
import GRDB
import JourneyRuntime

/// The ``ShardStore`` operations, each one transaction. The order of the steps
/// inside ``commit(_:)`` follows ``InMemoryShardStore`` exactly, so both stores
/// agree even on odd commits (a timer both deleted and set: it ends set).
extension SQLiteShardStore {
    /// One read transaction, so timers, inbox and journey versions come from the
    /// same committed state.
    public func recover() async throws -> ShardRecovery {
        try await recover(timerLimit: nil)
    }

    public func recover(timerLimit: Int?) async throws -> ShardRecovery {
        try await read("recover") { db, coder in
            let meta = try ShardMetaRow.fetch(db)
            return ShardRecovery(
                pendingTimers: try timerLimit.map { try TimerRow.page(after: nil, atLeast: $0, db) } ?? TimerRow.allInDueOrder(db),
                unappliedInbox: try InboxRow.entries(after: meta.appliedInboxSequence, db, coder),
                journeyVersions: try JourneyVersionRow.all(db, coder))
        }
    }

    public func pendingTimers(after: Date, atLeast limit: Int) async throws -> [TimerRequest] {
        try await read("pendingTimers") { db, _ in
            try TimerRow.page(after: after, atLeast: limit, db)
        }
    }

    public func customer(_ id: String) async throws -> CustomerState? {
        try await read("customer", record: id) { db, coder in
            try CustomerRow.state(of: id, db, coder)
        }
    }

    public func customers(_ ids: [String]) async throws -> [String: CustomerState] {
        if ids.isEmpty { return [:] }
        return try await read("customers", record: ids.count == 1 ? ids[0] : nil) { db, coder in
            var found: [String: CustomerState] = [:]
            for id in ids {
                if let state = try CustomerRow.state(of: id, db, coder) { found[id] = state }
            }
            return found
        }
    }

    public func customerIDs() async throws -> [String] {
        try await read("customerIDs") { db, _ in
            try String.fetchAll(db, CustomerRow.select(CustomerRow.Columns.id).order(CustomerRow.Columns.id))
        }
    }

    /// Appends in one transaction that also records the event ids.
    ///
    /// The de-duplication check and the inbox insert share the transaction: an
    /// id is marked seen exactly when its input is durably in the inbox, so a
    /// crash can neither lose an event whose id was recorded nor accept one twice.
    ///
    /// Sequences are assigned here, gapless (a duplicate takes no number), from
    /// the counter in `shard_meta`: "applied up to N" then means exactly inputs
    /// 1…N, and a consumer seeing N+2 after N knows an input is missing.
    public func append(_ inputs: [InboxInput]) async throws -> [InboxAppendResult] {
        if inputs.isEmpty { return [] }
        return try await write("append") { db, coder in
            var meta = try ShardMetaRow.fetch(db)
            var results: [InboxAppendResult] = []
            results.reserveCapacity(inputs.count)
            // Statements once per append, as in `commit`.
            let markSeen = try SeenEventRow.insertStatement(db)
            let appendInbox = try InboxRow.appendStatement(db)
            for input in inputs {
                if let key = input.deduplicationKey, let id = input.eventID, !(try SeenEventRow.insertIfNew(key, legacyID: id, markSeen, db)) {
                    results.append(.duplicate)
                    continue
                }
                meta.lastInboxSequence += 1
                let entry = InboxEntry(sequence: meta.lastInboxSequence, input: input)
                try InboxRow.append(entry, appendInbox, coder)
                results.append(.appended(entry))
            }
            try meta.updateCounters(db)
            return results
        }
    }

    /// Commits snapshots, timers, outbox rows, the applied position and actions
    /// in one transaction: after a crash either all of an input's effects are
    /// there or none are, and recovery replays the inbox from the applied position.
    public func commit(_ commit: ShardCommit) async throws {
        if commit.isEmpty { return }
        let historyLimit = options.actionHistoryLimit
        try await write("commit") { db, coder in
            var meta = try ShardMetaRow.fetch(db)
            let metaBefore = meta
            // Each statement is looked up once per commit, not once per row: GRDB's statement cache
            // is keyed by the SQL text, hashed whole on every lookup, and a commit writes thousands of rows.
            let upsertCustomer = try CustomerRow.upsertStatement(db)
            for snapshot in commit.snapshots {
                try CustomerRow.upsert(snapshot, upsertCustomer, coder)
            }
            let deleteTimer = try TimerRow.deleteStatement(db)
            for key in commit.timersDeleted {
                try TimerRow.delete(key, deleteTimer)
            }
            let upsertTimer = try TimerRow.upsertStatement(db)
            for timer in commit.timersSet {
                try TimerRow.upsert(timer, upsertTimer)
            }
            let insertOutbox = try OutboxRow.insertStatement(db)
            for message in commit.outbox {
                if try OutboxRow.insertIfNew(message, position: meta.lastOutboxPosition + 1, insertOutbox, db, coder) {
                    meta.lastOutboxPosition += 1
                }
            }
            if let sequence = commit.appliedInboxSequence, sequence > meta.appliedInboxSequence {
                meta.appliedInboxSequence = sequence
                try InboxRow.prune(through: sequence, db)
            }
            var touched: Set<String> = []
            let insertAction = try ActionRow.insertStatement(db)
            for action in commit.actions {
                try ActionRow.insert(action, insertAction, coder)
                touched.insert(action.customer)
            }
            let pruneActions = try ActionRow.pruneStatement(db)
            for customerID in touched {
                try ActionRow.prune(customerID: customerID, keeping: historyLimit, pruneActions)
            }
            if meta.lastOutboxPosition != metaBefore.lastOutboxPosition
                || meta.appliedInboxSequence != metaBefore.appliedInboxSequence {
                try meta.updateCounters(db)
            }
        }
    }

    public func dueOutbox(now: Date, limit: Int) async throws -> [OutboxEntry] {
        try await read("dueOutbox") { db, coder in
            try OutboxRow.due(now: now, limit: limit, db, coder)
        }
    }

    public func updateOutbox(_ updates: [OutboxUpdate]) async throws {
        if updates.isEmpty { return }
        // An outcome lost in a power cut only sends again under the same key: no sync of its own.
        try await writeWithoutSync("updateOutbox") { db, _ in
            let apply = try OutboxRow.applyStatement(db)
            for update in updates { try OutboxRow.apply(update, apply) }
        }
    }

    public func outboxCounts() async throws -> [OutboxEntry.Status: Int] {
        try await read("outboxCounts") { db, _ in try OutboxRow.counts(db) }
    }

    public func recentActions(of customerID: String, limit: Int) async throws -> [ActionRecord] {
        try await read("recentActions", record: customerID) { db, coder in
            try ActionRow.recent(customerID: customerID, limit: limit, db, coder)
        }
    }

    public func saveJourneyVersion(_ version: StoredJourneyVersion) async throws {
        try await write("saveJourneyVersion", record: "\(version.journeyID)@\(version.version)") { db, coder in
            try JourneyVersionRow(version, coder).upsert(db)
        }
    }

    /// Every outbox entry in insertion order, as ``InMemoryShardStore/allOutbox()``
    /// gives (tests compare the outboxes of two runs).
    public func allOutbox() async throws -> [OutboxEntry] {
        try await read("allOutbox") { db, coder in
            try OutboxRow.fetchAll(db, sql: "SELECT \(OutboxRow.selection) FROM outbox ORDER BY position").map { try $0.entry(coder) }
        }
    }
}
