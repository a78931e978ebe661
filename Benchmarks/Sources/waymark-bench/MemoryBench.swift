import BenchSupport
import Foundation
import JourneyEngine
import JourneyRuntime
import Logging

/// What resident customers cost. Customers are activated on one shard over a
/// store that keeps nothing (so only the engine's own memory counts: the
/// actor, its state, the directory entry, the actor system's registry entry
/// and the customer's timers), each fed the first `MEM_EVENTS_PER_CUSTOMER`
/// events of a sample customer, which leaves a typical state: a profile with
/// traits and event counters, runs waiting, timers armed.
enum MemoryBench {
    /// Feeds `customers` distinct customers through `shard` in batches, as the apply loop does.
    /// With `arrivalsPerSecond`, customer `n` arrives `n / arrivalsPerSecond` seconds after `start`
    /// (logical time), so customers go idle, and get packed, while later ones arrive.
    static func feed(
        _ shard: Shard, customers range: Range<Int>, eventsPerCustomer: Int, sample: [[CustomerEvent]], start: Date,
        arrivalsPerSecond: Double? = nil, every: Int = 0, sampleRSS: ((Int) -> Void)? = nil
    ) async throws {
        var batch: [ShardWork] = []
        batch.reserveCapacity(4096)
        var sequence: Int64 = 0
        for customer in range {
            let events = sample[customer % sample.count]
            let id = "m\(customer)"
            let offset = arrivalsPerSecond.map { Double(customer - range.lowerBound) / $0 } ?? Double(customer / sample.count) * 0.001
            for event in events.prefix(eventsPerCustomer) {
                var copy = event
                copy.customerID = id
                copy.time = start.addingTimeInterval(offset)
                sequence += 1
                batch.append(.inbox(InboxEntry(sequence: sequence, input: InboxInput(payload: .event(copy), acceptedAt: copy.time))))
            }
            if batch.count >= 4096 {
                try await shard.apply(batch)
                batch.removeAll(keepingCapacity: true)
            }
            if every > 0, (customer + 1) % every == 0 {
                if !batch.isEmpty { try await shard.apply(batch); batch.removeAll(keepingCapacity: true) }
                sampleRSS?(customer + 1)
            }
        }
        if !batch.isEmpty { try await shard.apply(batch) }
    }

    static func sampleByCustomer() throws -> [[CustomerEvent]] {
        let sample = try Workload.sample()
        let grouped = Dictionary(grouping: sample.events, by: \.customerID)
        return grouped.keys.sorted().map { id in
            grouped[id]!.map { CustomerEvent(customerID: $0.customerID, name: $0.name, time: $0.time, properties: $0.properties) }
        }
    }

    static func makeShard(maximumResident: Int, start: Date, compactAfter: TimeInterval = PassivationPolicy().compactAfter) throws -> Shard {
        let catalog = try Workload.catalog()
        return Shard(
            index: 0, store: NullShardStore(), interpreter: Interpreter(catalog: catalog), actorSystem: WaymarkActorSystem(),
            passivation: PassivationPolicy(idleTimeout: .infinity, maximumResident: maximumResident, compactAfter: compactAfter), start: start, observer: nil,
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// `packed`: the node's default policy, idle customers' state packed after `compact_after`;
    /// otherwise the same customers with packing off (every state unpacked), for comparison.
    @concurrent
    static func resident(packed: Bool) async throws {
        let count = Report.env("MEM_CUSTOMERS", 1_000_000)
        let perCustomer = Report.env("MEM_EVENTS_PER_CUSTOMER", 3)
        let sample = try sampleByCustomer()
        let start = Date(timeIntervalSince1970: 1_709_000_000)
        let policy = PassivationPolicy(compactAfter: packed ? PassivationPolicy().compactAfter : .infinity)
        let shard = try makeShard(maximumResident: .max, start: start, compactAfter: policy.compactAfter)
        // Warm up allocator and catalog with a few customers that stay resident.
        try await feed(shard, customers: 0..<1000, eventsPerCustomer: perCustomer, sample: sample, start: start)
        ProcessStats.trim()
        let before = ProcessStats.residentBytes()
        let clock = ContinuousClock.now
        let arrivals = Double(Report.env("MEM_ARRIVALS_PER_SECOND", 1000))
        try await feed(shard, customers: 1000..<(1000 + count), eventsPerCustomer: perCustomer, sample: sample, start: start, arrivalsPerSecond: arrivals)
        let elapsed = seconds(ContinuousClock.now - clock)
        // Customers arrived at MEM_ARRIVALS_PER_SECOND (logical time), so all but the last
        // `compactAfter` seconds' worth are packed already. An hour later one customer comes
        // back and the shard packs the rest: what resident customers waiting for timers look like.
        let compactClock = ContinuousClock.now
        try await feed(shard, customers: 0..<1, eventsPerCustomer: 1, sample: sample, start: start.addingTimeInterval(Double(count) / arrivals + 3600))
        let compacting = seconds(ContinuousClock.now - compactClock)
        ProcessStats.trim()
        let after = ProcessStats.residentBytes()
        let resident = await shard.residentCustomers
        let timers = await shard.pendingTimerCount
        let perCustomerBytes = Double(after - before) / Double(count)
        Report.log("\(resident) resident, \(timers) timers; RSS \(before / 1_048_576) → \(after / 1_048_576) MiB in \(elapsed) s + \(compacting) s for the last input")
        guard packed else {
            return Report.emit(Figure(
                key: "memory_per_customer_unpacked", what: "memory per resident customer with packing off (`compact_after` infinite): the same \(count / 1000)k customers, every state a tree of dictionaries",
                value: perCustomerBytes, unit: "bytes",
                notes: "RSS \(before / 1_048_576) → \(after / 1_048_576) MiB; \(Int(Double(count) / elapsed)) customers/s activated"))
        }
        Report.emit(Figure(
            key: "memory_per_customer", what: "memory per resident customer: RSS delta over \(count / 1000)k customers activated, \(perCustomer) sample events each, arriving at \(Int(arrivals))/s of logical time and idle past `passivation.compact_after` (\(Int(policy.compactAfter)) s: state packed; actor + state + directory + timers)",
            value: perCustomerBytes, unit: "bytes", goal: "≤ 1,024 bytes",
            notes: "RSS \(before / 1_048_576) → \(after / 1_048_576) MiB; \(Int(Double(count) / elapsed)) customers/s activated and packed as they went (the last \(String(format: "%.1f", compacting)) s of packing after them not counted); \(timers) timers in memory (the shard's timer window; the rest wait in its store)"))
    }

    @concurrent
    static func passivation() async throws {
        let total = Report.env("PASSIVATION_CUSTOMERS", 10_000_000)
        let maximum = Report.env("PASSIVATION_RESIDENT", 100_000)
        let sample = try sampleByCustomer()
        let start = Date(timeIntervalSince1970: 1_709_000_000)
        let shard = try makeShard(maximumResident: maximum, start: start)
        var samples: [(Int, Int)] = []
        let every = max(total / 20, maximum)
        let clock = ContinuousClock.now
        try await feed(shard, customers: 0..<total, eventsPerCustomer: 2, sample: sample, start: start, every: every) { done in
            ProcessStats.trim()
            samples.append((done, ProcessStats.residentBytes()))
            Report.log("\(done) customers through, RSS \(samples.last!.1 / 1_048_576) MiB")
        }
        let elapsed = seconds(ContinuousClock.now - clock)
        // Flat: from the first sample after the resident set filled up (skip the first two) to the last.
        let settled = samples.dropFirst(2)
        let first = settled.first?.1 ?? 0
        let peak = settled.map(\.1).max() ?? 0
        let last = settled.last?.1 ?? 0
        let resident = await shard.residentCustomers
        Report.emit(Figure(
            key: "passivation_rss_growth", what: "passivation: RSS growth while \(total / 1_000_000 > 0 ? "\(total / 1_000_000)M" : "\(total / 1000)k") distinct customers pass through one shard (at most \(maximum / 1000)k resident), from the \(samples.dropFirst(2).first?.0 ?? 0)th customer to the last",
            value: Double(last - first) / 1_048_576, unit: "MiB", goal: "flat (≈ 0)",
            notes: "RSS \(first / 1_048_576) → peak \(peak / 1_048_576) → \(last / 1_048_576) MiB; \(resident) resident at the end; \(Int(Double(total) / elapsed)) customers/s"))
    }
}
