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
        /// Pages (4 KiB each) the write-ahead log may hold before they are copied into
        /// the database file; the log file is also cut back to this size when it starts
        /// over (`journal_size_limit`).
        ///
        /// The copy runs on a connection of its own (``WALCheckpointer``), beside the
        /// writer: commits go on meanwhile. Only if the log reaches
        /// ``commitCheckpointFactor`` times this does a commit copy the rest itself, as
        /// SQLite's `wal_autocheckpoint` does for every copy; that keeps the log bounded.
        ///
        /// A group commit of 256 inputs writes about 600 pages (596 in the store
        /// benchmark: each customer's snapshot, timer and action rows sit on pages
        /// of their own), so SQLite's default of 1,000 copied every other commit and
        /// wrote each page twice. With 10,000 (a log of up to about 40 MiB per shard)
        /// a page written by several commits is copied once: when commits still made
        /// the copies, the store benchmark committed 20–25% more inputs per second, and
        /// raw upserts gained as much. Recovery after a crash reads the log, so a larger
        /// one costs a little at start.
        public var checkpointPages: Int

        public init(synchronous: Synchronous = .full, actionHistoryLimit: Int = 100, checkpointPages: Int = 10_000) {
            self.synchronous = synchronous
            self.actionHistoryLimit = actionHistoryLimit
            self.checkpointPages = max(checkpointPages, 1)
        }

        /// How many times ``checkpointPages`` the log may reach before a commit copies it itself.
        public static let commitCheckpointFactor = 4

        /// The statements that set these options on a connection (public so the store
        /// benchmark's raw baseline opens its file with the very same settings).
        public var pragmas: String {
            "\(synchronous.pragma); PRAGMA wal_autocheckpoint = \(checkpointPages); PRAGMA journal_size_limit = \(checkpointPages * 4096)"
        }
    }
}
