import JourneyModel
import Logging
import Synchronization

/// Says, as errors in the log, which deployed journeys name templates this node's folder
/// lacks (or cannot read): their sends would be dead-lettered one by one. The node still
/// runs; the other journeys are not held up.
///
/// A single node checks its journeys once at start. A cluster node checks every version it
/// adopts, because a journey deployed through another node was validated against that
/// node's templates folder, not this one's. Each version is reported once.
final class MissingTemplateReport: Sendable {
    private let validator: JourneyValidator
    private let logger: Logger
    private let reported = Mutex<Set<String>>([])

    init(renderer: MustacheMessageRenderer, knownChannels: Set<String>, logger: Logger) {
        validator = renderer.journeyValidator(knownChannels: knownChannels)
        self.logger = logger
    }

    /// Checks the journeys not checked before; returns how many problems it logged.
    @discardableResult
    func check(_ journeys: [(id: String, version: Int, definition: JourneyDefinition)]) -> Int {
        var logged = 0
        for journey in journeys {
            let isNew = reported.withLock { $0.insert("\(journey.id)@\(journey.version)").inserted }
            guard isNew else { continue }
            let problems = validator.validate(journey.definition, sourceMap: JourneySourceMap(file: journey.id))
                .filter { $0.severity == .error && Self.renderingCodes.contains($0.code) }
            for problem in problems {
                logger.error("a deployed journey cannot render a message; its sends will be dead-lettered", metadata: [
                    "journey.id": "\(journey.id)", "journey.version": "\(journey.version)", "problem": "\(problem.message)",
                ])
            }
            logged += problems.count
        }
        return logged
    }

    /// The validator's codes for a message this node could not render.
    static let renderingCodes: Set<String> = ["missing-template", "missing-generic-template", "invalid-template"]
}
