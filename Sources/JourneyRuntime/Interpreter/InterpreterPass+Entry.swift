import Foundation
import JourneyModel

extension InterpreterPass {
    /// Whether the customer may start a run of `journey` now, by its `reentry` policy; or,
    /// given `later`, at that instant in a later input if nothing changes before it.
    func mayEnter(_ journey: DeployedJourney, later: Date? = nil) -> Bool {
        guard runIndex(of: journey.id) == nil else { return false }
        // This input's ended runs bar only this input's entries.
        if later == nil, endedJourneys.contains(journey.id) { return false }
        let now = later ?? now
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
        if journey.isSegmentEntry { segmentInputsChanged = true }
        state.history[journey.id] = history
        let firstStep = journey.definition.steps[0].id
        let run = RunState(journeyID: journey.id, version: journey.version, number: history.runCount, stepID: firstStep, enteredAt: now, event: event)
        let position = state.runs.firstIndex { $0.journeyID > journey.id } ?? state.runs.endIndex
        state.runs.insert(run, at: position)
        record(.enter, runAt: position, step: firstStep)
        execute(runAt: position, stepID: firstStep, resumed: false)
    }

    /// Segment entries: every active segment journey whose condition holds for the
    /// profile now takes the customer in, if the reentry policy allows. Also keeps
    /// one recheck timer armed per segment journey, for conditions that change with time alone.
    ///
    /// A segment is a condition over the profile: the event that triggered the check, if any,
    /// is not part of it, and a run entered here has no event (every `event.…` path is null).
    /// The recheck predictions (``placeSegmentRechecks()``) evaluate the same conditions
    /// without an event, so an event here would also let the two disagree.
    mutating func checkSegments() {
        for journey in catalog.activeSegmentJourneys {
            guard case .segment(let condition, let recheck) = journey.definition.entry.trigger else { continue }
            if state.segmentChecks[journey.id] == nil {
                let token = state.nextRecheckToken()
                let due = now.addingTimeInterval(Double(recheck.seconds))
                state.segmentChecks[journey.id] = token
                state.segmentCheckTimes[journey.id] = SegmentRecheck(due: due, interval: recheck.seconds)
                armedRechecks.append(journey.id)
                emit(.setTimer(TimerRequest(customerID: state.customerID, token: token, due: due, journeyID: journey.id)))
            }
            if mayEnter(journey), condition.holds(in: entryContext(of: journey.id, event: nil)) {
                enter(journey, event: nil)
            }
        }
        // Rechecks of journeys no longer deployed are dropped rather than re-armed.
        for journeyID in state.segmentChecks.keys where catalog.activeVersion(of: journeyID) == nil {
            emit(.cancelTimer(token: state.segmentChecks.removeValue(forKey: journeyID)!))
            state.segmentCheckTimes.removeValue(forKey: journeyID)
        }
    }

    /// What an entry condition (`where`, `segment`, `audience`) sees: the profile, the arriving
    /// event if any, and the journey's id; no run exists yet, so `journey.entered_at` is null.
    func entryContext(of journeyID: String, event: EventContext?) -> EvaluationContext {
        EvaluationContext(profile: state.profile.json, event: event, journeyID: journeyID, enteredAt: nil, now: now)
    }

    /// A cron tick of a schedule journey: the customer enters when the audience matches.
    mutating func handleScheduleTick(_ journeyID: String) {
        guard let journey = catalog.activeVersion(of: journeyID),
            case .schedule(_, let audience) = journey.definition.entry.trigger,
            mayEnter(journey),
            audience?.holds(in: entryContext(of: journeyID, event: nil)) ?? true
        else { return }
        enter(journey, event: nil)
    }
}
