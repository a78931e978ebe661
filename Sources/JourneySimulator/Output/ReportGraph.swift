import Foundation
import JourneyModel

/// The journey's step graph laid out in layers for the report: longest-path
/// layering from the first step (loops drawn as back edges), long edges routed
/// through dummy points, nodes ordered in each layer by barycentre sweeps to
/// cut crossings.
struct ReportGraph {
    struct EdgeCount: Hashable {
        var from: String
        var to: String?
        var label: String
        var count: Int
    }

    enum NodeKind: Equatable {
        case start
        case step(Int)
        /// The end of the journey after a step (one per step that can end the run).
        case end(after: Int)
        /// A bend point of a long edge.
        case dummy
    }

    struct Node {
        var kind: NodeKind
        var layer = 0
        var order = 0
        var x = 0.0
        var width: Double
        var height: Double
    }

    struct Edge {
        var from: Int
        var to: Int
        var label: String
        var count: Int
        /// Drawn upwards along the right-hand side (a loop back to an earlier step).
        var isBack: Bool
        /// Nodes the edge passes through, dummies included, from `from` to `to`.
        var path: [Int] = []
    }

    var nodes: [Node] = []
    var edges: [Edge] = []
    var layerCount = 0
    var width = 0.0
    var height = 0.0

    static let stepWidth = 214.0
    static let stepHeight = 66.0
    static let layerGap = 62.0
    static let nodeGap = 36.0
    static let margin = 24.0

    /// The graph's edges in definition order, each with how often runs took it.
    static func edgeCounts(_ journey: SimulationSummary.Journey) -> [EdgeCount] {
        let graph = StepGraph(journey.definition)
        var seen: Set<VersionTally.EdgeKey> = []
        var result: [EdgeCount] = []
        for edge in graph.edges {
            let key = VersionTally.EdgeKey(from: graph.steps[edge.from].id, to: edge.target.stepID, label: edge.label)
            guard seen.insert(key).inserted else { continue }
            result.append(EdgeCount(from: key.from, to: key.to, label: key.label, count: journey.tally.edges[key] ?? 0))
        }
        let extra = journey.tally.edges.filter { !seen.contains($0.key) }
            .sorted { ($0.key.from, $0.key.to ?? "", $0.key.label) < ($1.key.from, $1.key.to ?? "", $1.key.label) }
        for (key, count) in extra { result.append(EdgeCount(from: key.from, to: key.to, label: key.label, count: count)) }
        return result
    }

    init(_ journey: SimulationSummary.Journey) {
        let steps = journey.definition.steps
        var index: [String: Int] = [:]
        for (position, step) in steps.enumerated() where index[step.id] == nil { index[step.id] = position }
        // Node 0 is the entry; steps follow; end markers are added as edges need them.
        nodes.append(Node(kind: .start, width: Self.stepWidth, height: 44))
        for position in steps.indices { nodes.append(Node(kind: .step(position), width: Self.stepWidth, height: Self.stepHeight)) }
        var endNode: [Int: Int] = [:]
        var raw: [(from: Int, to: Int, label: String, count: Int)] = []
        if !steps.isEmpty { raw.append((0, 1, "", journey.tally.runs)) }
        for edge in Self.edgeCounts(journey) {
            guard let from = index[edge.from] else { continue }
            let to: Int
            if let target = edge.to {
                guard let stepIndex = index[target] else { continue }
                to = stepIndex + 1
            } else if let existing = endNode[from] {
                to = existing
            } else {
                nodes.append(Node(kind: .end(after: from), width: 64, height: 28))
                to = nodes.count - 1
                endNode[from] = to
            }
            raw.append((from + 1, to, edge.label, edge.count))
        }
        let back = Self.backEdges(nodeCount: nodes.count, edges: raw.map { ($0.from, $0.to) })
        edges = raw.enumerated().map { offset, edge in
            Edge(from: edge.from, to: edge.to, label: edge.label, count: edge.count, isBack: back.contains(offset))
        }
        assignLayers()
        addDummies()
        orderLayers()
        place()
    }

    /// Edges that close a cycle in a depth-first search from the entry (then from any node not reached).
    private static func backEdges(nodeCount: Int, edges: [(Int, Int)]) -> Set<Int> {
        var outgoing = [[(edge: Int, to: Int)]](repeating: [], count: nodeCount)
        for (offset, edge) in edges.enumerated() { outgoing[edge.0].append((offset, edge.1)) }
        var state = [UInt8](repeating: 0, count: nodeCount)  // 0 new, 1 on the stack, 2 done
        var back: Set<Int> = []
        for root in 0..<nodeCount where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                if top.next < outgoing[top.node].count {
                    stack[stack.count - 1].next += 1
                    let (edge, to) = outgoing[top.node][top.next]
                    if state[to] == 1 {
                        back.insert(edge)
                    } else if state[to] == 0 {
                        state[to] = 1
                        stack.append((to, 0))
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        return back
    }

    /// Longest path from the sources over the forward edges.
    private mutating func assignLayers() {
        let count = nodes.count
        var indegree = [Int](repeating: 0, count: count)
        var outgoing = [[Int]](repeating: [], count: count)
        for edge in edges where !edge.isBack && edge.from != edge.to {
            outgoing[edge.from].append(edge.to)
            indegree[edge.to] += 1
        }
        var layer = [Int](repeating: 0, count: count)
        var queue = (0..<count).filter { indegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for next in outgoing[node] {
                layer[next] = max(layer[next], layer[node] + 1)
                indegree[next] -= 1
                if indegree[next] == 0 { queue.append(next) }
            }
        }
        for node in 0..<count { nodes[node].layer = layer[node] }
        layerCount = (layer.max() ?? 0) + 1
    }

    /// Splits forward edges that span several layers with one dummy per layer crossed.
    private mutating func addDummies() {
        for offset in edges.indices {
            let edge = edges[offset]
            var path = [edge.from]
            if !edge.isBack {
                var layer = nodes[edge.from].layer + 1
                while layer < nodes[edge.to].layer {
                    nodes.append(Node(kind: .dummy, layer: layer, width: 14, height: Self.stepHeight))
                    path.append(nodes.count - 1)
                    layer += 1
                }
            }
            path.append(edge.to)
            edges[offset].path = path
        }
    }

    /// The links between adjacent layers (forward edges, dummies included).
    private var links: [(upper: Int, lower: Int)] {
        edges.filter { !$0.isBack }.flatMap { edge in zip(edge.path, edge.path.dropFirst()).map { ($0, $1) } }
    }

    private mutating func orderLayers() {
        var layers = [[Int]](repeating: [], count: layerCount)
        for node in nodes.indices { layers[nodes[node].layer].append(node) }
        let links = self.links
        var up = [[Int]](repeating: [], count: nodes.count)
        var down = [[Int]](repeating: [], count: nodes.count)
        for link in links {
            down[link.upper].append(link.lower)
            up[link.lower].append(link.upper)
        }
        func positions(_ layers: [[Int]]) -> [Int] {
            var position = [Int](repeating: 0, count: nodes.count)
            for layer in layers { for (order, node) in layer.enumerated() { position[node] = order } }
            return position
        }
        func crossings(_ layers: [[Int]]) -> Int {
            let position = positions(layers)
            var total = 0
            for layer in 0..<max(0, layers.count - 1) {
                let pairs = links.filter { nodes[$0.upper].layer == layer }.map { (position[$0.upper], position[$0.lower]) }
                for i in pairs.indices { for j in pairs.indices where j > i {
                    if (pairs[i].0 - pairs[j].0) * (pairs[i].1 - pairs[j].1) < 0 { total += 1 }
                } }
            }
            return total
        }
        var best = layers
        var bestCrossings = crossings(layers)
        for sweep in 0..<12 {
            let downward = sweep % 2 == 0
            let order = downward ? Array(1..<max(1, layerCount)) : Array((0..<max(0, layerCount - 1)).reversed())
            for layer in order {
                let position = positions(layers)
                let neighbours = downward ? up : down
                let keyed = layers[layer].enumerated().map { offset, node -> (Double, Int, Int) in
                    let adjacent = neighbours[node]
                    let centre = adjacent.isEmpty ? Double(offset) : Double(adjacent.map { position[$0] }.reduce(0, +)) / Double(adjacent.count)
                    return (centre, offset, node)
                }
                layers[layer] = keyed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
            }
            let current = crossings(layers)
            if current < bestCrossings {
                best = layers
                bestCrossings = current
            }
        }
        for layer in best { for (order, node) in layer.enumerated() { nodes[node].order = order } }
    }

    /// x coordinates: each node pulled towards its neighbours, keeping the order and the gaps.
    private mutating func place() {
        var layers = [[Int]](repeating: [], count: layerCount)
        for node in nodes.indices { layers[nodes[node].layer].append(node) }
        for layer in layers.indices { layers[layer].sort { nodes[$0].order < nodes[$1].order } }
        // Start packed and centred on 0.
        for layer in layers {
            var x = 0.0
            for (offset, node) in layer.enumerated() {
                if offset > 0 { x += (nodes[layer[offset - 1]].width + nodes[node].width) / 2 + Self.nodeGap }
                nodes[node].x = x
            }
            let shift = x / 2
            for node in layer { nodes[node].x -= shift }
        }
        let links = self.links
        var neighbours = [[Int]](repeating: [], count: nodes.count)
        for link in links {
            neighbours[link.upper].append(link.lower)
            neighbours[link.lower].append(link.upper)
        }
        for _ in 0..<8 {
            for layer in layers where !layer.isEmpty {
                let desired = layer.map { node -> Double in
                    let adjacent = neighbours[node]
                    return adjacent.isEmpty ? nodes[node].x : adjacent.map { nodes[$0].x }.reduce(0, +) / Double(adjacent.count)
                }
                var placed = desired
                for offset in placed.indices.dropFirst() {
                    let minimum = placed[offset - 1] + (nodes[layer[offset - 1]].width + nodes[layer[offset]].width) / 2 + Self.nodeGap
                    placed[offset] = max(placed[offset], minimum)
                }
                let shift = zip(desired, placed).map { $0 - $1 }.reduce(0, +) / Double(placed.count)
                for (offset, node) in layer.enumerated() { nodes[node].x = placed[offset] + shift }
            }
        }
        let minX = nodes.map { $0.x - $0.width / 2 }.min() ?? 0
        let maxX = nodes.map { $0.x + $0.width / 2 }.max() ?? 0
        let backRoom = Double(edges.count { $0.isBack }) * 14 + (edges.contains(where: \.isBack) ? 90 : 0)
        for node in nodes.indices { nodes[node].x += Self.margin - minX }
        width = maxX - minX + 2 * Self.margin + backRoom
        height = Double(layerCount) * (Self.stepHeight + Self.layerGap) - Self.layerGap + 2 * Self.margin
    }

    /// Top of a layer's row.
    func top(ofLayer layer: Int) -> Double {
        Self.margin + Double(layer) * (Self.stepHeight + Self.layerGap)
    }

    /// A node's box: centred vertically in its layer's row.
    func frame(_ node: Int) -> (x: Double, y: Double, width: Double, height: Double) {
        let item = nodes[node]
        let y = top(ofLayer: item.layer) + (Self.stepHeight - item.height) / 2
        return (item.x - item.width / 2, y, item.width, item.height)
    }
}
