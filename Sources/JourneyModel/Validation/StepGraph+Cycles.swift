extension StepGraph {
    /// Loops that a run could go round forever at one instant: strongly connected
    /// groups of steps none of which waits. Each is returned as step indices in
    /// list order.
    public func cyclesWithoutWait() -> [[Int]] {
        let isWait = steps.map(\.action.isWait)
        var successors = Array(repeating: [Int](), count: steps.count)
        for edge in edges {
            guard let to = edge.to, !isWait[edge.from], !isWait[to] else { continue }
            successors[edge.from].append(to)
        }
        // Tarjan's algorithm, iterative so that a long journey cannot exhaust the stack.
        var index = 0
        var indices = Array(repeating: -1, count: steps.count)
        var lowLinks = Array(repeating: 0, count: steps.count)
        var onStack = Array(repeating: false, count: steps.count)
        var stack: [Int] = []
        var components: [[Int]] = []
        for start in steps.indices where indices[start] == -1 && !isWait[start] {
            var work: [(node: Int, nextChild: Int)] = [(start, 0)]
            indices[start] = index
            lowLinks[start] = index
            index += 1
            stack.append(start)
            onStack[start] = true
            while let (node, childPosition) = work.last {
                if childPosition < successors[node].count {
                    work[work.count - 1].nextChild += 1
                    let child = successors[node][childPosition]
                    if indices[child] == -1 {
                        indices[child] = index
                        lowLinks[child] = index
                        index += 1
                        stack.append(child)
                        onStack[child] = true
                        work.append((child, 0))
                    } else if onStack[child] {
                        lowLinks[node] = min(lowLinks[node], indices[child])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last {
                    lowLinks[parent.node] = min(lowLinks[parent.node], lowLinks[node])
                }
                if lowLinks[node] == indices[node] {
                    var component: [Int] = []
                    while let member = stack.popLast() {
                        onStack[member] = false
                        component.append(member)
                        if member == node { break }
                    }
                    let loops = component.count > 1 || successors[node].contains(node)
                    if loops { components.append(component.sorted()) }
                }
            }
        }
        return components.sorted { $0[0] < $1[0] }
    }
}
