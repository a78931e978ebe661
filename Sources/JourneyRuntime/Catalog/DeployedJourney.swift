import Foundation
import JourneyModel

/// One deployed version of a journey, with what the interpreter looks up on
/// every input computed once.
///
/// A class (immutable, so still a value in all but identity): the interpreter
/// looks journeys up several times per input, and copying a struct holding a
/// whole definition cost a retain and release of every one of its fields each time.
public final class DeployedJourney: Sendable {
    public let definition: JourneyDefinition
    /// Numbered by the store (or the author's `version:`), starting at 1.
    public let version: Int
    /// The journey's zone, resolved once (a customer's `timezone` attribute overrides it).
    public let timeZone: TimeZone
    private let stepIndex: [String: Int]
    /// Whether the journey enters customers by a segment condition (checked on every input).
    public let isSegmentEntry: Bool
    /// Whether the segment condition, once true, stays true as time passes (nothing else
    /// changing): then rechecks that cannot let the customer in are skipped. False for
    /// journeys without a segment entry.
    public let hasRisingSegment: Bool
    /// The event that starts a run (`entry.event`), nil for segment and schedule journeys:
    /// every event is checked against every active journey, so this is a field, not a match
    /// on the entry (which copied its condition each time).
    public let entryEvent: String?
    /// The entry event's `where`, if any.
    public let entryCondition: JourneyModel.Expression?

    public init(definition: JourneyDefinition, version: Int) {
        self.definition = definition
        self.version = version
        self.timeZone = ZonedCalendar.zone(named: definition.timezone) ?? TimeZone(secondsFromGMT: 0)!
        var stepIndex: [String: Int] = [:]
        for (index, step) in definition.steps.enumerated() where stepIndex[step.id] == nil {
            stepIndex[step.id] = index
        }
        self.stepIndex = stepIndex
        (entryEvent, entryCondition, isSegmentEntry, hasRisingSegment) =
            switch definition.entry.trigger {
            case .event(let name, let condition): (name, condition, false, false)
            case .segment(let condition, _): (nil, nil, true, [.constant, .rising].contains(condition.truthTrend))
            case .schedule: (nil, nil, false, false)
            }
    }

    public var id: String { definition.id }

    public func index(of stepID: String) -> Int? { stepIndex[stepID] }

    public func step(_ stepID: String) -> Step? { stepIndex[stepID].map { definition.steps[$0] } }

    /// Where a run goes after step `index` when the step names no other target.
    public func following(_ index: Int) -> Target {
        let step = definition.steps[index]
        if let next = step.next { return next }
        return index + 1 < definition.steps.count ? .step(definition.steps[index + 1].id) : .end
    }
}
