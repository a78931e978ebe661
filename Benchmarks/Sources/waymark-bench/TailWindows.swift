/// Where in time a latency run's slow deliveries were sent: in a few short windows (a stall of
/// the whole node or its disk, which holds up every event sent meanwhile) or spread over the
/// run (a cost every event pays now and then).
///
/// The node benchmark's p99 missed its goal in some full runs and met it in runs of the same
/// phase alone. The trace of the worst miss showed acceptance, applying and delivery stopping
/// together for about half a second; this puts the evidence beside the percentile in every
/// report.
struct TailWindows {
    /// Windows (by intended send time) that held at least one slow delivery.
    var slow = 0
    /// Windows with at least one delivery.
    var total = 0
    /// The worst latency of the worst window, in milliseconds.
    var worstMilliseconds = 0.0
    var windowMilliseconds: Int
    var slowMilliseconds: Double

    /// `arrivals` are (intended send time, arrival time) in nanoseconds.
    init(_ arrivals: [(sent: UInt64, arrived: UInt64)], windowMilliseconds: Int = 250, slowMilliseconds: Double = 50) {
        self.windowMilliseconds = windowMilliseconds
        self.slowMilliseconds = slowMilliseconds
        guard let start = arrivals.map(\.sent).min() else { return }
        var worst: [UInt64: Double] = [:]
        for arrival in arrivals {
            let window = (arrival.sent - start) / UInt64(windowMilliseconds * 1_000_000)
            // As the percentiles take it (`NodeBench`), which have already run on these arrivals.
            let latency = Double(arrival.arrived - arrival.sent) / 1e6
            worst[window] = max(worst[window] ?? 0, latency)
        }
        total = worst.count
        slow = worst.values.filter { $0 > slowMilliseconds }.count
        worstMilliseconds = worst.values.max() ?? 0
    }

    var summary: String {
        "deliveries over \(Int(slowMilliseconds)) ms were sent in \(slow) of \(total) \(windowMilliseconds) ms windows (worst window \(Int(worstMilliseconds)) ms)"
    }
}
