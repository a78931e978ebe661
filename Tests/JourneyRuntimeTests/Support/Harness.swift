import Foundation
import JourneyModel
import JourneyRuntime

/// Drives one customer's state through the interpreter the way the engine does:
/// inputs one at a time, timers fired at their due instant (earliest first, then
/// by token), events before timers at equal times. Collects every effect, so tests
/// can assert the exact action log.
struct Harness {
    var interpreter: Interpreter
    var state: CustomerState
    /// The virtual time of offset zero; logs print times relative to it.
    let start: Date
    private(set) var now: Date
    /// Timers the state asked for and has not cancelled, by token.
    private(set) var timers: [UInt64: TimerRequest] = [:]
    /// Every effect, in order, since the harness was made (or last `clear()`ed).
    private(set) var effects: [Effect] = []

    init(
        _ journeys: [JourneyDefinition], customer: String = "c1", attributes: [String: JSONValue] = [:],
        channels: ChannelRules = .everyChannel, maximumSteps: Int = 1_000, start: Date = Fixture.monday9
    ) {
        let catalog = JourneyCatalog(journeys.map { DeployedJourney(definition: $0, version: 1) })
        interpreter = Interpreter(catalog: catalog, channels: channels, maximumStepsPerInput: maximumSteps)
        state = CustomerState(customerID: customer, profile: Profile(attributes: attributes))
        self.start = start
        now = start
    }

    init(_ journey: JourneyDefinition, customer: String = "c1", attributes: [String: JSONValue] = [:],
         channels: ChannelRules = .everyChannel, maximumSteps: Int = 1_000, start: Date = Fixture.monday9) {
        self.init([journey], customer: customer, attributes: attributes, channels: channels, maximumSteps: maximumSteps, start: start)
    }

    // MARK: Inputs

    /// Fires the timers due before `input` in the engine's order of one instant, then handles
    /// `input` at `offset`: events, profile changes and timer firings come before the timers due
    /// at the same instant; schedule ticks, deploys and undeploys after them.
    @discardableResult
    mutating func apply(_ input: CustomerInput, at offset: TimeInterval = 0) -> [Effect] {
        apply(input, atInstant: start.addingTimeInterval(offset))
    }

    @discardableResult
    mutating func apply(_ input: CustomerInput, atInstant time: Date) -> [Effect] {
        precondition(time >= now, "inputs must not go back in time")
        switch input {
        case .event, .profile, .timer: fireTimers(through: time, inclusive: false)
        case .scheduleTick, .checkSegments, .undeploy: fireTimers(through: time, inclusive: true)
        }
        return handle(input, at: time)
    }

    /// An event at `offset` from the start.
    @discardableResult
    mutating func event(_ name: String, at offset: TimeInterval = 0, _ properties: [String: JSONValue] = [:]) -> [Effect] {
        let time = start.addingTimeInterval(offset)
        return apply(.event(CustomerEvent(customerID: state.customerID, name: name, time: time, properties: properties)), atInstant: time)
    }

    mutating func profile(_ attributes: [String: JSONValue], consent: [String: Bool] = [:], at offset: TimeInterval) {
        apply(.profile(ProfileChange(customerID: state.customerID, attributes: attributes, consent: consent)), at: offset)
    }

    /// Moves the clock to `offset`, firing every timer due at or before it.
    mutating func advance(to offset: TimeInterval) {
        let time = start.addingTimeInterval(offset)
        fireTimers(through: time, inclusive: true)
        if time > now { now = time }
    }

    /// Fires one timer by token at `offset`, whether or not it is still wanted (a stale or replayed firing).
    @discardableResult
    mutating func fire(token: UInt64, at offset: TimeInterval) -> [Effect] {
        apply(.timer(TimerFiring(token: token)), at: offset)
    }

    mutating func clear() { effects = [] }

    private mutating func fireTimers(through limit: Date, inclusive: Bool) {
        while let next = timers.values.filter({ inclusive ? $0.due <= limit : $0.due < limit })
            .min(by: { ($0.due, $0.token) < ($1.due, $1.token) })
        {
            timers[next.token] = nil
            handle(.timer(TimerFiring(token: next.token)), at: next.due)
        }
    }

    @discardableResult
    private mutating func handle(_ input: CustomerInput, at time: Date) -> [Effect] {
        now = time
        let produced = state.handle(input, at: time, using: interpreter)
        for effect in produced {
            switch effect {
            case .setTimer(let request): timers[request.token] = request
            case .cancelTimer(let token): timers[token] = nil
            default: break
            }
        }
        effects += produced
        return produced
    }

    // MARK: What happened

    var actions: [ActionRecord] { effects.compactMap(\.actionRecord) }

    var deliveries: [OutboundMessage] {
        effects.compactMap { if case .deliver(let message) = $0 { message } else { nil } }
    }

    /// The action log with times relative to the start: `+2h j#1 send remind ch=email tpl=t`.
    var log: [String] { actions.map { Fixture.line($0, time: Fixture.offsetText($0.time.timeIntervalSince(start))) } }

    /// The action log with UTC times: `2024-03-04T09:00:00Z j#1 enter first`.
    var utcLog: [String] { actions.map { Fixture.line($0, time: Timestamp.format($0.time)) } }

    /// Due times of the pending timers, relative to the start, soonest first.
    var pendingTimers: [TimeInterval] { timers.values.map { $0.due.timeIntervalSince(start) }.sorted() }

    /// The run of journey `id` in progress, if any.
    func run(_ id: String = "j") -> RunState? { state.run(of: id) }
}

extension Effect {
    var actionRecord: ActionRecord? {
        if case .action(let record) = self { return record }
        return nil
    }

    var timerRequest: TimerRequest? {
        if case .setTimer(let request) = self { return request }
        return nil
    }
}
