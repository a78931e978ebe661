import Foundation
import JourneyModel

/// `waymark cluster status` as a person reads it: the answer of `GET /v1/cluster` laid
/// out as two aligned tables, times shown as ages measured on the database's clock
/// (so a node's skewed clock cannot make a heartbeat look old).
public enum ClusterStatusTable {
    public static func render(_ status: JSONValue) -> String {
        func ago(_ value: JSONValue) -> String { value.numberValue.map { "\(Self.duration($0)) ago" } ?? "-" }
        func number(_ value: JSONValue) -> String { value.numberValue.map { String(Int64($0)) } ?? "-" }

        let cluster = status[path: ["cluster"]]
        var lines = [
            "cluster: \(number(cluster[path: ["shard_count"]])) shards, \(number(cluster[path: ["live_nodes"]])) live nodes, "
                + "\(number(cluster[path: ["unowned_shards"]])) unowned shards (answered by \(cluster[path: ["answered_by"]].stringValue ?? "?"))",
            "",
        ]
        var nodeRows = [["NODE", "INCARNATION", "ADDRESS", "HEARTBEAT", "STATE", "SHARDS"]]
        for node in status[path: ["nodes"]].arrayValue ?? [] {
            let live = node[path: ["live"]].boolValue == true
            let state = !live ? "dead" : node[path: ["draining"]].boolValue == true ? "draining" : "live"
            let shards = (node[path: ["shards"]].arrayValue ?? []).map(number)
            nodeRows.append([
                node[path: ["id"]].stringValue ?? "?", node[path: ["incarnation"]].stringValue ?? "?", node[path: ["address"]].stringValue ?? "?",
                ago(node[path: ["heartbeat_age_seconds"]]), state, shards.isEmpty ? "-" : shards.joined(separator: ","),
            ])
        }
        lines += table(nodeRows)
        lines.append("")
        var shardRows = [["SHARD", "OWNER", "EPOCH", "LEASE", "INBOX HEAD", "SNAPSHOT", "INBOX LAG"]]
        for shard in status[path: ["shards"]].arrayValue ?? [] {
            let live = shard[path: ["lease_live"]].boolValue == true
            let lease = live ? (shard[path: ["lease_remaining_seconds"]].numberValue.map { "expires in \(Self.duration($0))" } ?? "held") : "free"
            let snapshot = shard[path: ["snapshot_sequence"]].isNull
                ? "none" : "\(number(shard[path: ["snapshot_sequence"]])), \(ago(shard[path: ["snapshot_age_seconds"]]))"
            shardRows.append([
                number(shard[path: ["shard"]]), shard[path: ["owner"]].stringValue ?? "-", number(shard[path: ["epoch"]]), lease,
                number(shard[path: ["inbox_head"]]), snapshot, number(shard[path: ["inbox_lag"]]),
            ])
        }
        lines += table(shardRows)
        return lines.joined(separator: "\n")
    }

    /// Columns padded to their widest cell, two spaces apart.
    static func table(_ rows: [[String]]) -> [String] {
        let widths = rows.reduce(into: [Int](repeating: 0, count: rows.first?.count ?? 0)) { widths, row in
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }

    /// 0.4s, 12s, 3m20s, 2h05m.
    static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3600)h\(String(format: "%02d", (whole % 3600) / 60))m"
    }
}
