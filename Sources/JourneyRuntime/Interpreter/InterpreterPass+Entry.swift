import Foundation
import JourneyModel

extension InterpreterPass {
    /// Whether the customer may start a run of `journey` now, by its `reentry` policy.
    func mayEnter(_ journey: DeployedJourney) -> Bool {
        guard runIndex(of: journey.id) == nil, !endedJourneys.contains(journey.id) else { return false }
        let history = state.history[journey.id] ?? JourneyHistory()
        switch journey.definition.entry.reentry {
        case .once:
            return history.runCount == 0
        case .afterExit:
            return true
        case .cooldown(let duration):
            guard let ended = history.lastEndedAt else { return true }
            return now.timeIntervalSince(ended) >= Double(duration.seconds)
        }
    }

    /// Starts a run at the first step and executes until it pauses or ends.
    mutating func enter(_ journey: DeployedJourney, event: EventContext?) {
        var history = state.history[journey.id] ?? JourneyHistory()
        history.runCount += 1
        state.history[journey.id] = history
        let firstStep = journey.definition.steps[0].id
        let run = RunState(journeyID: journey.id, version: journey.version, number: history.runCount, stepID: firstStep, enteredAt: now, event: event)
        let position = state.runs.firstIndex { $0.journeyID > journey.id } ?? state.runs.endIndex
        state.runs.insert(run, at: position)
        record(.enter, run: run, step: firstStep)
        execute(runAt: position, stepID: firstStep, resumed: false)
    }

    /// Segment entries: every active segment journey whose condition holds for the
    /// profile now takes the customer in, if the reentry policy allows. Also keeps
    /// one recheck timer armed per segment journey, for conditions that change with time alone.
    mutating func checkSegments(event: EventContext?) {
        for journey in catalog.activeSegmentJourneys {
            guard case .segment(let condition, let recheck) = journey.definition.entry.trigger else { continue }
            if state.segmentChecks[journey.id] == nil {
                let token = state.nextTimerToken()
                state.segmentChecks[journey.id] = token
                effects.append(.setTimer(TimerRequest(customerID: state.customerID, token: token, due: now.addingTimeInterval(Double(recheck.seconds)), journeyID: journey.id)))
            }
            if mayEnter(journey), condition.holds(in: evaluationContext(for: nil, event: event)) {
                enter(journey, event: event)
            }
        }
        // Rechecks of journeys no longer deployed are dropped rather than re-armed.
        for journeyID in state.segmentChecks.keys where catalog.activeVersion(of: journeyID) == nil {
            effects.append(.cancelTimer(token: state.segmentChecks.removeValue(forKey: journeyID)!))
        }
    }

    /// A cron tick of a schedule journey: the customer enters when the audience matches.
    mutating func handleScheduleTick(_ journeyID: String) {
        guard let journey = catalog.activeVersion(of: journeyID),
            case .schedule(_, let audience) = journey.definition.entry.trigger,
            mayEnter(journey),
            audience?.holds(in: evaluationContext(for: nil, event: nil)) ?? true
        else { return }
        enter(journey, event: nil)
    }
}
