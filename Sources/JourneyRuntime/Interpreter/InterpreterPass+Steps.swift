import Foundation
import JourneyModel

extension InterpreterPass {
    /// Leaves `from` for `target`: the end of the journey, or the next step to execute.
    mutating func go(runAt index: Int, from stepID: String, to target: Target, label: String) {
        trace(runAt: index, step: stepID, .edge(to: target.stepID, label: label))
        switch target {
        case .end: endRun(at: index, reason: "completed")
        case .step(let next): execute(runAt: index, stepID: next, resumed: false)
        }
    }

    /// Executes steps from `stepID` at this instant until the run pauses or ends.
    /// `resumed` is true when a send comes back after quiet hours: the step is not
    /// visited a second time, so its idempotency key stays the same.
    mutating func execute(runAt index: Int, stepID: String, resumed: Bool) {
        var stepID = stepID
        var resumed = resumed
        while true {
            // The run is read in place: a copy held here would make the visit count below
            // copy the run's dictionaries before changing them.
            guard let journey = journey(ofRunAt: index), let stepIndex = journey.index(of: stepID) else {
                endRun(at: index, reason: "error: unknown step \(stepID)")
                return
            }
            guard stepBudget > 0 else {
                endRun(at: index, reason: "error: too many steps without a wait")
                return
            }
            stepBudget -= 1
            let step = journey.definition.steps[stepIndex]
            state.runs[index].stepID = step.id
            if !resumed {
                // Room for the steps (up to 8) at the first visit: grown one step at a time, the
                // table was rebuilt several times per run (about 1% of a simulation).
                if state.runs[index].visits.isEmpty { state.runs[index].visits.reserveCapacity(min(journey.definition.steps.count, 8)) }
                state.runs[index].visits[step.id, default: 0] += 1
                trace(runAt: index, step: step.id, .reached)
            }
            resumed = false
            let next: (target: Target, label: String)
            switch step.action {
            case .wait(let duration):
                wait(runAt: index, reason: .delay, until: now.addingTimeInterval(Double(duration.seconds)))
                return
            case .waitUntil(let waitUntil):
                let due = ZonedCalendar.nextOccurrence(of: waitUntil.time, weekdays: waitUntil.weekdays, onOrAfter: now, in: timeZone(for: journey))
                guard due > now else {
                    next = (journey.following(stepIndex), "next")
                    break
                }
                wait(runAt: index, reason: .delay, until: due)
                return
            case .waitFor(let waitFor):
                wait(runAt: index, reason: .event, until: now.addingTimeInterval(Double(waitFor.timeout.seconds)))
                return
            case .branch(let branch):
                let context = evaluationContext(forRunAt: index, event: nil)
                if let match = branch.cases.first(where: { $0.condition.holds(in: context) }) {
                    next = (match.target, match.condition.source)
                } else {
                    next = (branch.otherwise, "else")
                }
            case .split(let split):
                guard let variant = assignVariant(split, journey: journey, stepID: step.id) else {
                    join(Split.holdoutName, runAt: index, step: step.id)
                    holdOut(runAt: index, journey: journey)
                    return
                }
                join(variant.name, runAt: index, step: step.id)
                next = (variant.target, variant.name)
            case .send(let send):
                if let quietUntil = quietHoursEnd(journey: journey) {
                    wait(runAt: index, reason: .quietHours, until: quietUntil)
                    return
                }
                performSend(send, step: step, runAt: index, journey: journey)
                next = (journey.following(stepIndex), "next")
            case .update(let update):
                applyUpdate(update, step: step, runAt: index)
                next = (journey.following(stepIndex), "next")
            case .webhook(let webhook):
                performWebhook(webhook, step: step, runAt: index)
                next = (journey.following(stepIndex), "next")
            case .goto(let target):
                next = (target, "goto")
            case .exit(let reason):
                endRun(at: index, reason: reason)
                return
            }
            trace(runAt: index, step: step.id, .edge(to: next.target.stepID, label: next.label))
            guard case .step(let target) = next.target else {
                endRun(at: index, reason: "completed")
                return
            }
            stepID = target
        }
    }

    /// Puts the run in `variant`, with an `assigned` trace when it was not in it already.
    private mutating func join(_ variant: String, runAt index: Int, step: String) {
        guard state.runs[index].variant != variant else { return }
        state.runs[index].variant = variant
        trace(runAt: index, step: step, .assigned)
    }

    /// The variant for this customer at this split, or `nil` for the holdout.
    /// A stable hash of (customer, journey, step) gives a point in [0, 1): below
    /// the holdout share is the control group; the rest is cut by relative weights
    /// in the order the variants are written.
    func assignVariant(_ split: Split, journey: DeployedJourney, stepID: String) -> Split.Variant? {
        let point = StableHash.unitInterval(StableHash.fnv1a64(state.customerID, journey.id, stepID))
        let holdout = split.holdoutPercent / 100
        if point < holdout { return nil }
        let total = split.variants.reduce(0) { $0 + max(0, $1.weight) }
        guard total > 0, holdout < 1 else { return split.variants.first }
        var position = (point - holdout) / (1 - holdout) * total
        for variant in split.variants {
            position -= max(0, variant.weight)
            if position < 0 { return variant }
        }
        return split.variants.last
    }

    /// The control group takes no step and sends nothing; it stays until the goal's
    /// conversion window closes so its conversions count like the variants'.
    mutating func holdOut(runAt index: Int, journey: DeployedJourney) {
        guard let goal = journey.definition.goal else {
            endRun(at: index, reason: "holdout")
            return
        }
        guard let within = goal.within else {
            wait(runAt: index, reason: .holdout, until: nil)
            return
        }
        let closes = state.runs[index].enteredAt.addingTimeInterval(Double(within.seconds))
        if closes <= now {
            endRun(at: index, reason: "holdout")
        } else {
            wait(runAt: index, reason: .holdout, until: closes)
        }
    }

    /// The customer's time zone when their profile names a real one, else the journey's.
    func timeZone(for journey: DeployedJourney) -> TimeZone {
        if let name = state.profile.timezone, let zone = ZonedCalendar.zone(named: name) { return zone }
        return journey.timeZone
    }

    /// When quiet hours are on now for this customer, the instant they end.
    func quietHoursEnd(journey: DeployedJourney) -> Date? {
        guard let quiet = journey.definition.limits.quietHours else { return nil }
        return ZonedCalendar.quietHoursEnd(from: quiet.from, to: quiet.to, at: now, in: timeZone(for: journey))
    }
}

extension Target {
    /// The step id, or `nil` for the end.
    public var stepID: String? {
        if case .step(let id) = self { return id }
        return nil
    }
}
