import Foundation
import JourneyModel

extension InterpreterPass {
    /// Handles an event for every journey, each in the order the language fixes:
    /// exit criteria, goal, a waiting `wait_for`, then entry.
    mutating func handleEvent(_ event: CustomerEvent) {
        state.profile.recordTraits(of: event)
        let context = event.context
        if everyRunActive() {
            // The usual case: the active journeys in id order, each already at hand rather than
            // looked up by id (ten hashed lookups per event with the example journeys).
            for journey in catalog.activeJourneys {
                handleEvent(context, journeyID: journey.id, active: journey)
            }
        } else {
            // Some run is of a journey no longer active: the active journeys and the journeys with
            // a run, sorted, so the order in which journeys see an event never depends on a dictionary.
            for journeyID in Set(state.runs.map(\.journeyID)).union(catalog.activeIDs).sorted() {
                handleEvent(context, journeyID: journeyID, active: catalog.activeVersion(of: journeyID))
            }
        }
    }

    /// The event for one journey: its run, or an entry into its active version.
    private mutating func handleEvent(_ context: EventContext, journeyID: String, active journey: DeployedJourney?) {
        if let index = runIndex(of: journeyID) {
            handleEvent(context, forRunAt: index)
        } else if let journey, journey.entryEvent == context.name,
            journey.entryCondition?.holds(in: entryContext(of: journeyID, event: context)) ?? true,
            mayEnter(journey)
        {
            enter(journey, event: context)
        }
    }

    /// Whether every run is of an active journey (usually so: a journey undeployed while
    /// customers are in it is rare). A loop over indices: a closure reading `state.runs[$0]`
    /// would receive a copy of each run.
    private func everyRunActive() -> Bool {
        for index in state.runs.indices where catalog.activeVersion(of: state.runs[index].journeyID) == nil {
            return false
        }
        return true
    }

    /// Reads the run by index and field: a copy of the whole run (every string and dictionary
    /// retained, then released) cost more than the checks, on every event of a customer in a run.
    private mutating func handleEvent(_ event: EventContext, forRunAt index: Int) {
        guard let journey = journey(ofRunAt: index) else { return }
        let definition = journey.definition
        let context = evaluationContext(forRunAt: index, event: event)
        // Exit criteria decide how the run ends, but an event that is both an exit and the goal
        // still counts as a conversion: the language's own example (cart abandonment, where a
        // purchase is both) would otherwise never convert.
        let exits = definition.exits.contains { $0.event == event.name && ($0.condition?.holds(in: context) ?? true) }
        // Read outside the closure below: a closure reading `state.runs[index]` gets a copy of the run.
        let enteredAt = state.runs[index].enteredAt
        if let goal = definition.goal, goal.event == event.name, !state.runs[index].converted,
            goal.within.map({ now.timeIntervalSince(enteredAt) <= Double($0.seconds) }) ?? true,
            goal.condition?.holds(in: context) ?? true
        {
            state.runs[index].converted = true
            let attribution = state.runs[index].lastSend
            record(.goal, runAt: index, step: attribution?.stepID ?? state.runs[index].stepID, channel: attribution?.channel, template: attribution?.template)
            if !exits && state.runs[index].variant == Split.holdoutName {
                endRun(at: index, reason: "holdout")
                return
            }
            if !exits && goal.exitsRun {
                endRun(at: index, reason: "goal")
                return
            }
        }
        if exits {
            endRun(at: index, reason: "exit_event")
            return
        }
        let stepID = state.runs[index].stepID
        guard state.runs[index].waiting?.reason == .event,
            let stepIndex = journey.index(of: stepID),
            case .waitFor(let waitFor) = definition.steps[stepIndex].action,
            waitFor.event == event.name, waitFor.condition?.holds(in: context) ?? true
        else { return }
        stopWaiting(runAt: index)
        state.runs[index].event = event
        trace(runAt: index, step: stepID, .matched)
        go(runAt: index, from: stepID, to: waitFor.onEvent ?? journey.following(stepIndex), label: "event")
    }

    /// A timer is due: end the wait it belongs to, or ignore it when that wait is already over.
    mutating func handleTimer(_ token: UInt64) {
        if let journeyID = state.segmentChecks.first(where: { $0.value == token })?.key {
            state.segmentChecks.removeValue(forKey: journeyID)
            let fired = state.segmentCheckTimes.removeValue(forKey: journeyID)
            firedRecheck = fired.map { (journeyID, $0.interval) }
            checkSegments()
            state.segmentCheckTimes[journeyID]?.firedAt = now
            return
        }
        // Runs are read by index and field, not copied whole (see ``trace(runAt:step:_:)``).
        guard let index = runIndex(waitingOn: token), let waiting = state.runs[index].waiting
        else { return }
        let stepID = state.runs[index].stepID
        guard let journey = journey(ofRunAt: index), let stepIndex = journey.index(of: stepID) else { return }
        state.runs[index].waiting = nil
        switch waiting.reason {
        case .delay:
            go(runAt: index, from: stepID, to: journey.following(stepIndex), label: "next")
        case .event:
            guard case .waitFor(let waitFor) = journey.definition.steps[stepIndex].action else { return }
            trace(runAt: index, step: stepID, .timedOut)
            go(runAt: index, from: stepID, to: waitFor.onTimeout ?? journey.following(stepIndex), label: "timeout")
        case .quietHours:
            execute(runAt: index, stepID: stepID, resumed: true)
        case .holdout:
            endRun(at: index, reason: "holdout")
        }
    }
}
