/// Where in time a latency run's slow deliveries were sent: in a few short windows (a stall of
/// the whole node or its disk, which holds up every event sent meanwhile) or spread over the
/// run (a cost every event pays now and then).
///
/// The node benchmark's p99 missed its goal in some full runs and met it in runs of the same
/// phase alone. The trace of the worst miss showed acceptance, applying and delivery stopping
/// together for about half a second; this puts the evidence beside the percentile in every
/// report, with how much of the slow deliveries' latency passed before their POST was
/// answered (the client sending late, or the node accepting slowly) and so how much after.
struct TailWindows {
    /// Windows (by intended send time) that held at least one slow delivery.
    var slow = 0
    /// Windows with at least one delivery.
    var total = 0
    /// The worst latency of the worst window, in milliseconds.
    var worstMilliseconds = 0.0
    var windowMilliseconds: Int
    var slowMilliseconds: Double
    /// For the slow deliveries, how long after its intended send time their batch's POST was
    /// answered (sending late, or accepting slowly), in milliseconds, sorted; the rest of their
    /// latency is applying and delivering.
    var acceptedAfter: [Double] = []
    /// The same for every batch, slow or not: what acceptance costs when nothing is wrong.
    var everyAcceptedAfter: [Double] = []

    /// `arrivals` are (intended send time, arrival time) in nanoseconds; `answered`, when given,
    /// maps a batch's intended send time to when its POST was answered.
    init(
        _ arrivals: [(sent: UInt64, arrived: UInt64)], answered: [UInt64: UInt64] = [:], windowMilliseconds: Int = 250,
        slowMilliseconds: Double = 50
    ) {
        self.windowMilliseconds = windowMilliseconds
        self.slowMilliseconds = slowMilliseconds
        guard let start = arrivals.map(\.sent).min() else { return }
        var worst: [UInt64: Double] = [:]
        for arrival in arrivals {
            let window = (arrival.sent - start) / UInt64(windowMilliseconds * 1_000_000)
            // As the percentiles take it (`NodeBench`), which have already run on these arrivals.
            let latency = Double(arrival.arrived - arrival.sent) / 1e6
            worst[window] = max(worst[window] ?? 0, latency)
            if latency > slowMilliseconds, let answeredAt = answered[arrival.sent] {
                acceptedAfter.append(Double(answeredAt - arrival.sent) / 1e6)
            }
        }
        total = worst.count
        slow = worst.values.filter { $0 > slowMilliseconds }.count
        worstMilliseconds = worst.values.max() ?? 0
        acceptedAfter.sort()
        everyAcceptedAfter = answered.map { Double($0.value - $0.key) / 1e6 }.sorted()
    }

    var summary: String {
        var text = "deliveries over \(Int(slowMilliseconds)) ms were sent in \(slow) of \(total) \(windowMilliseconds) ms windows (worst window \(Int(worstMilliseconds)) ms)"
        if let worstAccept = acceptedAfter.last {
            let median = acceptedAfter[acceptedAfter.count / 2]
            text += "; their POSTs were answered a median \(Int(median)) ms (worst \(Int(worstAccept)) ms) after they were due, the rest was applying and delivering"
        }
        if !everyAcceptedAfter.isEmpty {
            text += " (every POST: a median \(Int(everyAcceptedAfter[everyAcceptedAfter.count / 2])) ms)"
        }
        return text
    }
}
