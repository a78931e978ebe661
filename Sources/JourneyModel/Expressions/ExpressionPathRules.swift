/// What each path root allows and what type it has, in one place, so the parser,
/// the type checker and the evaluator agree.
///
/// - `profile.a.b`: nested profile attributes; at least one name.
/// - `event.name`, `event.time`: the event's name and time; no further names.
/// - `event.a.b`: the event's properties (so a property called `name` or `time`
///   cannot be read; the built-ins win).
/// - `journey.entered_at`, `journey.id`: when the run entered, the journey's id.
/// - `now`: the current time; no names.
enum ExpressionPathRules {
    static let journeyFields = ["entered_at", "id"]

    /// Throws when `components` are not allowed after `root`.
    static func validate(
        _ root: ExpressionPath.Root, _ components: [(name: String, offset: Int)], rootOffset: Int
    ) throws(ExpressionSyntaxError) {
        switch root {
        case .profile, .event:
            guard let first = components.first else {
                let example = root == .profile ? "profile.email" : "event.name"
                throw ExpressionSyntaxError(
                    "`\(root.rawValue)` needs an attribute name", hint: "for example `\(example)`", at: rootOffset)
            }
            if root == .event, first.name == "name" || first.name == "time", components.count > 1 {
                throw noFields("event.\(first.name)", at: components[1].offset)
            }
        case .journey:
            guard let first = components.first else {
                throw ExpressionSyntaxError(
                    "`journey` needs a field", hint: "write `journey.entered_at` or `journey.id`", at: rootOffset)
            }
            guard journeyFields.contains(first.name) else {
                throw ExpressionSyntaxError(
                    "unknown journey field `\(first.name)`",
                    hint: ExpressionSyntaxError.suggestion(
                        closestMatch(to: first.name, in: journeyFields),
                        otherwise: "the journey's fields are `entered_at` and `id`"),
                    at: first.offset)
            }
            if components.count > 1 { throw noFields("journey.\(first.name)", at: components[1].offset) }
        case .now:
            if let first = components.first {
                throw ExpressionSyntaxError(
                    "`now` has no fields", hint: "`now` is the current time; write `now`", at: first.offset)
            }
        }
    }

    private static func noFields(_ path: String, at offset: Int) -> ExpressionSyntaxError {
        ExpressionSyntaxError("`\(path)` has no fields", hint: "write `\(path)`", at: offset)
    }

    /// The static type of a path: known for the built-ins, ``ExpressionType/any`` for
    /// attributes and properties (whatever the data holds).
    static func type(of path: ExpressionPath) -> ExpressionType {
        switch (path.root, path.components.first, path.components.count) {
        case (.now, _, 0): .time
        case (.event, "name", 1): .string
        case (.event, "time", 1): .time
        case (.journey, "entered_at", 1): .time
        case (.journey, "id", 1): .string
        default: .any
        }
    }
}

extension ExpressionNode {
    var isPath: Bool {
        if case .path = self { return true }
        return false
    }
}
