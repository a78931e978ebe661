import Foundation
import JourneyEngine
import WaymarkRemoting

/// A journey's counts summed over the cluster's live nodes, and who answered.
/// Each node counts what its own shards committed since it started, so the sum is
/// the cluster's live view; a node that does not answer in time is named in
/// `failed` and left out, rather than failing the whole answer.
struct ClusterJourneyCounts: Sendable {
    var counts: JourneyStats.Counts
    var answered: Int
    var failed: [String]
}

extension JourneyStats.Counts {
    /// Adds another node's counts to these.
    mutating func add(_ other: JourneyStats.Counts) {
        entered += other.entered
        sends += other.sends
        suppressed += other.suppressed
        goals += other.goals
        exited.merge(other.exited, uniquingKeysWith: +)
        for (step, count) in other.steps {
            var total = steps[step] ?? JourneyStats.StepCounts()
            total.reached += count.reached
            total.matched += count.matched
            total.timedOut += count.timedOut
            total.sends += count.sends
            total.suppressed += count.suppressed
            steps[step] = total
        }
        for (variant, count) in other.variants {
            var total = variants[variant] ?? JourneyStats.VariantCounts()
            total.runs += count.runs
            total.sends += count.sends
            total.goals += count.goals
            variants[variant] = total
        }
    }
}

/// Answers other nodes' questions about this node: its journey counts.
struct NodeQueries: NodeQueryHandler {
    static let journeyStats = "journey_stats"

    let stats: JourneyStats

    func answer(_ query: NodeQuery) async throws -> Data {
        switch query.name {
        case Self.journeyStats:
            let journeyID = try JSONDecoder().decode(String.self, from: query.payload)
            return try JSONEncoder().encode(await stats.counts(of: journeyID))
        default:
            throw ActorSystemError(.unknownTarget, "no query `\(query.name)` on this node", context: ["query.name": query.name])
        }
    }

    /// Asks every live node for its counts of `journeyID` and sums them.
    static func gather(_ journeyID: String, over transport: GRPCRemoteCallTransport) async throws -> ClusterJourneyCounts {
        let query = NodeQuery(name: journeyStats, payload: try JSONEncoder().encode(journeyID))
        var total = ClusterJourneyCounts(counts: JourneyStats.Counts(), answered: 0, failed: [])
        for (peer, answer) in try await transport.queryAll(query).sorted(by: { $0.peer.description < $1.peer.description }) {
            switch answer {
            case .success(let data):
                guard let counts = try? JSONDecoder().decode(JourneyStats.Counts.self, from: data) else {
                    total.failed.append(peer.name.isEmpty ? peer.description : peer.name)
                    continue
                }
                total.counts.add(counts)
                total.answered += 1
            case .failure:
                total.failed.append(peer.name.isEmpty ? peer.description : peer.name)
            }
        }
        return total
    }
}
