import Foundation
import JourneyModel

/// One deployed version of a journey, with what the interpreter looks up on
/// every input computed once.
public struct DeployedJourney: Sendable {
    public let definition: JourneyDefinition
    /// Numbered by the store (or the author's `version:`), starting at 1.
    public let version: Int
    /// The journey's zone, resolved once (a customer's `timezone` attribute overrides it).
    public let timeZone: TimeZone
    private let stepIndex: [String: Int]

    public init(definition: JourneyDefinition, version: Int) {
        self.definition = definition
        self.version = version
        self.timeZone = ZonedCalendar.zone(named: definition.timezone) ?? TimeZone(secondsFromGMT: 0)!
        var stepIndex: [String: Int] = [:]
        for (index, step) in definition.steps.enumerated() where stepIndex[step.id] == nil {
            stepIndex[step.id] = index
        }
        self.stepIndex = stepIndex
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
