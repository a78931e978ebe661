import Foundation
import HeapModule
import JourneyModel
import JourneyRuntime
import JourneySimulator

/// Replays a log through the interpreter alone: no actors, no store, no
/// engine. Events and the timers the journeys set are interleaved by time
/// (events first at equal times), cancelled timers are dropped, as a shard
/// does. Pure: what it measures is the interpreter and the state it changes.
public struct InterpreterReplay {
    struct Due: Comparable {
        let due: Date
        let customer: Int32
        let token: UInt64
        static func < (lhs: Due, rhs: Due) -> Bool { (lhs.due, lhs.customer, lhs.token) < (rhs.due, rhs.customer, rhs.token) }
    }

    struct Key: Hashable {
        let customer: Int32
        let token: UInt64
    }

    public let interpreter: Interpreter
    let events: [CustomerEvent]
    let customerOf: [Int32]
    let customerIDs: [String]
    var states: [CustomerState]
    var timers = Heap<Due>()
    var live: [Key: Date] = [:]
    var next = 0
    /// Inputs handled so far (events and timers), across restarts.
    public private(set) var inputs = 0
    /// Times the replay reached the end of the log and started again from empty states.
    public private(set) var laps = 0

    public init(log: GeneratedLog, catalog: JourneyCatalog) {
        // BENCH_EVERY_RECHECK=1 replays with a recheck at every grid point (the workload before
        // rechecks were skipped), to tell a change of the input mix from a change of the code.
        interpreter = Interpreter(
            catalog: catalog, predictsSegmentRechecks: ProcessInfo.processInfo.environment["BENCH_EVERY_RECHECK"] != "1")
        var index: [String: Int32] = [:]
        var ids: [String] = []
        var customerOf: [Int32] = []
        customerOf.reserveCapacity(log.events.count)
        for event in log.events {
            if let known = index[event.customerID] {
                customerOf.append(known)
            } else {
                index[event.customerID] = Int32(ids.count)
                customerOf.append(Int32(ids.count))
                ids.append(event.customerID)
            }
        }
        events = log.events.map { CustomerEvent(customerID: $0.customerID, name: $0.name, time: $0.time, properties: $0.properties) }
        self.customerOf = customerOf
        customerIDs = ids
        states = ids.map { CustomerState(customerID: $0) }
    }

    /// One input: the next event, or a timer due before it. Returns the customer
    /// index, the input's instant and the effects; at the end of the log it
    /// starts over from empty states.
    @discardableResult
    public mutating func step() -> (customer: Int, now: Date, effects: [Effect], input: CustomerInput) {
        if next == events.count {
            next = 0
            laps += 1
            states = customerIDs.map { CustomerState(customerID: $0) }
            timers = Heap()
            live = [:]
        }
        let event = events[next]
        inputs += 1
        while let top = timers.min {
            guard top.due < event.time else { break }
            timers.removeMin()
            let key = Key(customer: top.customer, token: top.token)
            guard live[key] == top.due else { continue }
            live.removeValue(forKey: key)
            let input = CustomerInput.timer(TimerFiring(token: top.token))
            let effects = interpreter.handle(input, state: &states[Int(top.customer)], now: top.due)
            apply(effects, customer: top.customer)
            return (Int(top.customer), top.due, effects, input)
        }
        next += 1
        let customer = customerOf[next - 1]
        let input = CustomerInput.event(event)
        let effects = interpreter.handle(input, state: &states[Int(customer)], now: event.time)
        apply(effects, customer: customer)
        return (Int(customer), event.time, effects, input)
    }

    public func state(of customer: Int) -> CustomerState { states[customer] }

    public var customerCount: Int { states.count }

    private mutating func apply(_ effects: [Effect], customer: Int32) {
        for effect in effects {
            switch effect {
            case .setTimer(let timer):
                live[Key(customer: customer, token: timer.token)] = timer.due
                timers.insert(Due(due: timer.due, customer: customer, token: timer.token))
            case .cancelTimer(let token):
                live.removeValue(forKey: Key(customer: customer, token: token))
            default:
                break
            }
        }
    }
}
