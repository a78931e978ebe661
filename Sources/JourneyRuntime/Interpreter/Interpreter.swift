import Foundation
import JourneyModel

/// The journey interpreter: `(customer state, input, now, journeys) → (new state, effects)`.
///
/// Everything Waymark does to a customer is decided here and nowhere else. It
/// reads no clock, draws no random numbers and performs no I/O, so the same
/// inputs always give the same outputs: a node, the simulator and a test all
/// get identical behaviour, and a replay after a crash decides exactly what
/// the first attempt decided.
public struct Interpreter: Sendable {
    public var catalog: JourneyCatalog
    public var channels: ChannelRules
    /// A guard against a run that never pauses (the validator rejects such journeys; this
    /// keeps a bad deployment from spinning).
    public var maximumStepsPerInput: Int
    /// Whether segment rechecks that cannot let the customer in are skipped: the pending
    /// recheck moves to the first point of its grid where some segment journey would take
    /// the customer in (see `InterpreterPass+Rechecks.swift`). Entries happen at the same
    /// instants either way; off, the customer is woken at every recheck (the reference the
    /// tests compare with).
    public var predictsSegmentRechecks: Bool
    /// Whether a send or a webhook also produces its outbox message (``Effect/deliver(_:)``).
    /// Off only where nothing delivers or reads them (`waymark simulate`, whose outputs are
    /// the actions and their counts): the decision and its `send` action are the same either
    /// way, and building a message (its key, a hold on the profile) is a good part of a send.
    public var emitsDeliveries: Bool

    public init(
        catalog: JourneyCatalog, channels: ChannelRules = .everyChannel, maximumStepsPerInput: Int = 1_000,
        predictsSegmentRechecks: Bool = true, emitsDeliveries: Bool = true
    ) {
        self.catalog = catalog
        self.channels = channels
        self.maximumStepsPerInput = maximumStepsPerInput
        self.predictsSegmentRechecks = predictsSegmentRechecks
        self.emitsDeliveries = emitsDeliveries
    }

    /// Applies one input to one customer's state at instant `now`, returning what should happen.
    public func handle(_ input: CustomerInput, state: inout CustomerState, now: Date) -> [Effect] {
        // The state moves into the pass and back rather than being copied: while the caller
        // still held its copy, every change the pass made copied the profile or the runs first.
        var pass = InterpreterPass(interpreter: self, state: consume state, now: now)
        pass.handle(input)
        state = pass.takeState()
        return pass.effects
    }
}

extension CustomerState {
    /// Applies one input through `interpreter`: the state machine's single entry point.
    public mutating func handle(_ input: CustomerInput, at now: Date, using interpreter: Interpreter) -> [Effect] {
        interpreter.handle(input, state: &self, now: now)
    }
}

/// The working state of one `handle` call: the customer's state being changed,
/// the effects so far, and which journeys this input already ended a run of.
struct InterpreterPass {
    let interpreter: Interpreter
    var state: CustomerState
    let now: Date
    var effects: [Effect] = []
    /// Journeys whose run this input ended: the input must not start a new run of them.
    var endedJourneys: Set<String> = []
    var stepBudget: Int
    /// Segment journeys whose recheck this input armed (its timer is among ``effects``).
    var armedRechecks: [String] = []
    /// Whether this input changed what segment entry depends on: the profile, or a run of
    /// a segment journey starting or ending. Pending rechecks are then placed again.
    var segmentInputsChanged = false
    /// The segment recheck this input is, if it is one: its journey and interval.
    var firedRecheck: (journeyID: String, interval: Int64)?
    /// Whether a recheck grid point at this input's instant is still to come after it: true
    /// for events and profile changes (inputs come before timers) and the end of a wait
    /// (a customer's rechecks follow their other timers), false for schedule ticks and
    /// deploys (timers at an instant come before them).
    var rechecksAtNowFollow = true

    init(interpreter: Interpreter, state: CustomerState, now: Date) {
        self.interpreter = interpreter
        self.state = state
        self.now = now
        self.stepBudget = interpreter.maximumStepsPerInput
    }

    var catalog: JourneyCatalog { interpreter.catalog }

    /// Hands the state back, leaving a placeholder that holds no buffer of it (the pass is done).
    mutating func takeState() -> CustomerState {
        var taken = CustomerState(customerID: state.customerID)
        swap(&taken, &state)
        return taken
    }

    mutating func handle(_ input: CustomerInput) {
        switch input {
        case .event(let event):
            handleEvent(event)
            segmentInputsChanged = true
            checkSegments()
        case .profile(let change):
            state.profile.apply(change)
            segmentInputsChanged = true
            checkSegments()
        case .timer(let firing):
            let before = state.profile
            handleTimer(firing.token)
            // An `update` step run by the timer is a profile change: segments are checked now, not at the next recheck.
            if state.profile != before {
                segmentInputsChanged = true
                checkSegments()
            }
        case .scheduleTick(let journeyID):
            rechecksAtNowFollow = false
            let before = state.profile
            handleScheduleTick(journeyID)
            if state.profile != before {
                segmentInputsChanged = true
                checkSegments()
            }
        case .checkSegments:
            // Sent after a deploy: the segment journeys themselves may have changed.
            rechecksAtNowFollow = false
            segmentInputsChanged = true
            checkSegments()
        case .undeploy(let journeyID):
            rechecksAtNowFollow = false
            segmentInputsChanged = true
            if let index = runIndex(of: journeyID) { endRun(at: index, reason: "undeployed") }
        }
        placeSegmentRechecks()
    }

    func runIndex(of journeyID: String) -> Int? {
        state.runs.firstIndex { $0.journeyID == journeyID }
    }

    /// The run whose wait the timer `token` ends. A loop over indices, not `first(where:)`
    /// with a closure reading `state.runs[$0]`: that closure got a copy of each run.
    func runIndex(waitingOn token: UInt64) -> Int? {
        for index in state.runs.indices where state.runs[index].waiting?.token == token { return index }
        return nil
    }

    /// The deployed version a run is on. Versions are never removed while runs use them.
    func journey(of run: RunState) -> DeployedJourney? {
        catalog.journey(run.journeyID, version: run.version)
    }

    /// The journey version of the run at `index`, read without copying the run.
    func journey(ofRunAt index: Int) -> DeployedJourney? {
        catalog.journey(state.runs[index].journeyID, version: state.runs[index].version)
    }

    /// What expressions see for the run at `index`; `event`, when given, stands in for the
    /// run's own. Entry conditions, before any run, use ``entryContext(of:event:)``.
    func evaluationContext(forRunAt index: Int, event: EventContext?) -> EvaluationContext {
        EvaluationContext(
            profile: state.profile.json, event: event ?? state.runs[index].event, journeyID: state.runs[index].journeyID,
            enteredAt: state.runs[index].enteredAt, now: now)
    }

    /// Adds an effect. The first one makes room for a typical input's (an entry with its send
    /// and traces makes about eight): grown from empty one doubling at a time, the array was
    /// reallocated and copied three or four times per input, about 2% of a simulation's profile.
    mutating func emit(_ effect: Effect) {
        if effects.capacity == 0 { effects.reserveCapacity(Self.typicalEffects) }
        effects.append(effect)
    }

    static let typicalEffects = 8

    /// Records an action of the run at `index`, read by field (see ``trace(runAt:step:_:)``).
    mutating func record(_ action: ActionRecord.Kind, runAt index: Int, step: String?, channel: String? = nil, template: String? = nil, reason: String? = nil) {
        emit(.action(ActionRecord(
            time: now, customer: state.customerID, journey: state.runs[index].journeyID, version: state.runs[index].version,
            run: state.runs[index].number, step: step, action: action, channel: channel, template: template,
            variant: state.runs[index].variant, reason: reason)))
    }

    /// Records a step trace for the run at `index`. Takes the index, not the run: a run passed
    /// to a mutating method of the pass that holds it is copied whole (all its strings and
    /// dictionaries retained), and the interpreter traces every step.
    mutating func trace(runAt index: Int, step: String, _ kind: StepTrace.Kind) {
        let trace = StepTrace(
            journey: state.runs[index].journeyID, version: state.runs[index].version, step: step, variant: state.runs[index].variant, kind: kind)
        emit(.trace(trace))
    }

    /// Arms a timer for `run` and records what it waits for.
    mutating func wait(runAt index: Int, reason: Waiting.Reason, until due: Date?) {
        let token = state.nextTimerToken()
        state.runs[index].waiting = Waiting(reason: reason, token: token, deadline: due)
        if let due {
            emit(.setTimer(TimerRequest(customerID: state.customerID, token: token, due: due, journeyID: state.runs[index].journeyID)))
        }
    }

    /// Clears a run's wait, cancelling its timer.
    mutating func stopWaiting(runAt index: Int) {
        if let waiting = state.runs[index].waiting, waiting.deadline != nil {
            emit(.cancelTimer(token: waiting.token))
        }
        state.runs[index].waiting = nil
    }

    /// Ends a run: records `exit` with the reason, cancels its timer, remembers when it ended.
    mutating func endRun(at index: Int, reason: String) {
        stopWaiting(runAt: index)
        record(.exit, runAt: index, step: state.runs[index].stepID, reason: reason)
        let run = state.runs.remove(at: index)
        if journey(of: run)?.isSegmentEntry ?? true { segmentInputsChanged = true }
        state.history[run.journeyID, default: JourneyHistory()].lastEndedAt = now
        endedJourneys.insert(run.journeyID)
    }
}
