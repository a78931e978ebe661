import Foundation
import JourneyModel

/// Segment rechecks that skip the instants at which nothing can happen.
///
/// A segment journey's recheck wakes the customer every `recheck` interval on a
/// grid that starts at their first input. Between two inputs a customer's state
/// does not change, so a recheck lets them in exactly when, at that instant,
/// some segment journey may take them (`reentry`) and its condition holds. When
/// every active segment condition can only turn from false to true as time
/// passes (``TimeTrend/rising``, like `days_since(profile.last_seen_at) > 30`),
/// and so can `reentry` (a cooldown ends, a run in progress never does by
/// itself), the first grid point at which anyone enters is found by bisection,
/// and the pending recheck is moved there. Every grid point skipped is one at
/// which the reference (a recheck at every point) would have done nothing.
///
/// An input that changes what entry depends on (the profile, a run of a segment
/// journey starting or ending, a deploy) places the pending rechecks again from
/// the first grid point not yet passed, so a change never delays an entry.
/// Conditions that may turn false again (`days_since(…) < 7`) keep a recheck at
/// every grid point.
extension InterpreterPass {
    /// Grid points searched ahead; past them the recheck fires and searches again.
    static let recheckSearchPoints = 4_096
    /// Predictions stay far from the year 9999, where `now` stops being a timestamp.
    static let latestPrediction = Date(timeIntervalSince1970: 221_845_392_000)  // 9000-01-01

    /// Places every pending recheck this input armed, or all of them when this input changed
    /// what segment entry depends on. Runs last, on the state the input leaves.
    mutating func placeSegmentRechecks() {
        guard interpreter.predictsSegmentRechecks, segmentInputsChanged || !armedRechecks.isEmpty,
            catalog.segmentEntriesRiseWithTime, !state.segmentCheckTimes.isEmpty
        else { return }
        let journeyIDs = state.segmentCheckTimes.count == 1 ? Array(state.segmentCheckTimes.keys) : state.segmentCheckTimes.keys.sorted()
        // The state does not change during the searches: what does not move with time is
        // computed once, when the first search needs it (most inputs need none).
        var entries: [(DeployedJourney, JourneyModel.Expression)]?
        for journeyID in journeyIDs {
            guard let token = state.segmentChecks[journeyID], let recheck = state.segmentCheckTimes[journeyID], recheck.interval > 0 else { continue }
            let armedNow = armedRechecks.contains(journeyID)
            guard armedNow || segmentInputsChanged else { continue }
            guard let first = firstOpenPoint(of: journeyID, recheck, armedNow: armedNow) else { continue }
            let interval = Double(recheck.interval)
            let reach = max(1, min(Self.recheckSearchPoints, Int(Self.latestPrediction.timeIntervalSince(first) / interval)))
            // The search starts where the recheck is now: after an event it usually moves only a little.
            let hint = armedNow ? 0 : Int((recheck.due.timeIntervalSince(first) / interval).rounded())
            if entries == nil { entries = fixedSegmentConditions() }
            let due = firstEntryPoint(from: first, interval: interval, points: reach, hint: hint, entries: entries!)
                ?? first.addingTimeInterval(Double(reach - 1) * interval)
            guard due != recheck.due else { continue }
            move(recheckOf: journeyID, token: token, to: due, armedNow: armedNow)
        }
    }

    /// The active segment journeys with their conditions fixed for the state as it is.
    private func fixedSegmentConditions() -> [(DeployedJourney, JourneyModel.Expression)] {
        catalog.activeSegmentJourneys.compactMap { journey in
            guard case .segment(let condition, _) = journey.definition.entry.trigger else { return nil }
            return (journey, condition.fixingTimeInvariantParts(in: entryContext(of: journey.id, event: nil)))
        }
    }

    /// The first point of the recheck's grid that has not fired yet: the one just armed, or
    /// the earliest after `now`, or at `now` when a recheck then would still follow this
    /// input. Nil when the armed recheck is already that point or due now.
    private func firstOpenPoint(of journeyID: String, _ recheck: SegmentRecheck, armedNow: Bool) -> Date? {
        if armedNow { return recheck.due }
        guard recheck.due > now else { return nil }
        let interval = Double(recheck.interval)
        let skipped = (recheck.due.timeIntervalSince(now) / interval).rounded(.down)
        var first = recheck.due.addingTimeInterval(-skipped * interval)
        if first < now || (first == now && !recheckAtNowFollows(journeyID, recheck)) { first = first.addingTimeInterval(interval) }
        return first
    }

    /// Whether `journeyID`'s recheck at this instant, had it not been skipped, would come
    /// after this input. Rechecks due at one instant fire in the order they were armed: the
    /// one armed at the earlier grid point (the longer interval) first, then by journey id,
    /// the order of their first arming.
    private func recheckAtNowFollows(_ journeyID: String, _ recheck: SegmentRecheck) -> Bool {
        guard rechecksAtNowFollow, recheck.firedAt != now else { return false }
        guard let fired = firedRecheck else { return true }
        return recheck.interval < fired.interval || (recheck.interval == fired.interval && journeyID > fired.journeyID)
    }

    /// The first of `points` grid points from `first` at which some segment journey would
    /// take the customer in, or nil. Entry only ever turns from no to yes along the grid
    /// (see the type's comment), so the search gallops from the point `hint` (towards the
    /// start when someone enters there, away from it when not) and then bisects.
    private func firstEntryPoint(from first: Date, interval: Double, points: Int, hint: Int, entries: [(DeployedJourney, JourneyModel.Expression)]) -> Date? {
        func entersAt(_ index: Int) -> Bool { someSegmentEntry(at: first.addingTimeInterval(Double(index) * interval), entries) }
        var no = -1  // the greatest index known to let nobody in (-1: none known)
        var yes = points  // the least index known to let someone in (`points`: none known)
        let start = min(max(hint, 0), points - 1)
        var step = 1
        if entersAt(start) {
            yes = start
            while yes - step > no {
                let index = yes - step
                if entersAt(index) { yes = index } else { no = index; break }
                step *= 2
            }
        } else {
            no = start
            while no + step < yes {
                let index = no + step
                if entersAt(index) { yes = index; break } else { no = index }
                step *= 2
            }
        }
        while yes - no > 1 {
            let middle = (no + yes) / 2
            if entersAt(middle) { yes = middle } else { no = middle }
        }
        return yes < points ? first.addingTimeInterval(Double(yes) * interval) : nil
    }

    /// Whether a recheck at `time` would start a run of some segment journey, the state
    /// unchanged: `entries` are the segment journeys with their conditions fixed for it.
    private func someSegmentEntry(at time: Date, _ entries: [(DeployedJourney, JourneyModel.Expression)]) -> Bool {
        entries.contains { journey, condition in
            mayEnter(journey, later: time) && condition.holds(in: EvaluationContext(profile: .null, now: time))
        }
    }

    /// Re-arms a pending recheck at `due`: the timer this input set is changed in place,
    /// an older one is cancelled and replaced.
    private mutating func move(recheckOf journeyID: String, token: UInt64, to due: Date, armedNow: Bool) {
        state.segmentCheckTimes[journeyID]?.due = due
        if armedNow, let index = effects.lastIndex(where: { if case .setTimer(let timer) = $0 { timer.token == token } else { false } }) {
            effects[index] = .setTimer(TimerRequest(customerID: state.customerID, token: token, due: due, journeyID: journeyID))
            return
        }
        emit(.cancelTimer(token: token))
        let replacement = state.nextRecheckToken()
        state.segmentChecks[journeyID] = replacement
        emit(.setTimer(TimerRequest(customerID: state.customerID, token: replacement, due: due, journeyID: journeyID)))
    }
}
