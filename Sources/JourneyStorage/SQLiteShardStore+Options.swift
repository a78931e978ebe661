extension SQLiteShardStore {
    /// How a shard file trades durability for speed, and how much history it keeps.
    public struct Options: Sendable, Hashable {
        /// SQLite's `PRAGMA synchronous` in WAL mode.
        public enum Synchronous: String, Sendable, Hashable, CaseIterable {
            /// Every commit waits for the write-ahead log to reach the disk
            /// (`fsync`). A commit that returned survives a power cut or a kernel
            /// crash. Waymark acknowledges an event only after the commit that
            /// holds it, so this is what makes an acknowledgement a promise; group
            /// commit spreads the cost of one sync over many inputs.
            case full
            /// Commits do not wait for the disk; the log is synced at checkpoints.
            /// The file is never corrupted, and a crash of the process loses
            /// nothing, but a power cut or kernel crash can roll back the last
            /// transactions, events already acknowledged among them. Faster: for
            /// simulation, benchmarks, or nodes whose events are also durable
            /// elsewhere (a cluster's shared inbox in PostgreSQL).
            case normal

            /// The statement that selects this level on a connection.
            var pragma: String {
                switch self {
                case .full: "PRAGMA synchronous = FULL"
                case .normal: "PRAGMA synchronous = NORMAL"
                }
            }
        }

        public var synchronous: Synchronous
        /// Actions kept per customer (``ShardStore/recentActions(of:limit:)``); older ones are pruned on commit.
        public var actionHistoryLimit: Int

        public init(synchronous: Synchronous = .full, actionHistoryLimit: Int = 100) {
            self.synchronous = synchronous
            self.actionHistoryLimit = actionHistoryLimit
        }
    }
}
