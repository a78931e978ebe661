/// Why a text is not a template, and where in the text: the line and column count from 1.
public struct TemplateSyntaxProblem: Sendable, Hashable {
    public var message: String
    public var line: Int
    public var column: Int

    public init(message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    /// The hint every template syntax error carries.
    public static let hint = "close every `{{#section}}` with `{{/section}}`, and every `{{` with `}}`"
}

/// Reads a text as a template and says what is wrong with it, or nil when it reads.
///
/// The journey model knows no template engine; the front ends that render messages
/// (`waymark serve`, `waymark validate`) pass the one they use, so an inline `message:`
/// that would not parse is refused before it is deployed, not dead-lettered at each send.
public typealias TemplateSyntaxCheck = @Sendable (String) -> TemplateSyntaxProblem?

extension ValidationRun {
    /// Checks an inline template (a send's `message:`, a webhook's URL, headers and body texts).
    mutating func checkInlineTemplate(_ text: String, what: String, path: String, syntax: TemplateSyntaxCheck?) {
        guard let syntax, text.contains("{{"), let problem = syntax(text) else { return }
        let place = text.contains("\n") ? ", found at line \(problem.line), column \(problem.column) of the text" : ", found at column \(problem.column)"
        error(
            "invalid-template", "\(what) is not a valid Mustache template: \(problem.message)\(place)",
            hint: TemplateSyntaxProblem.hint, path: path)
    }

    /// Checks every string of a webhook's JSON body as an inline template.
    mutating func checkInlineTemplates(in value: JSONValue, what: String, path: String, syntax: TemplateSyntaxCheck?) {
        switch value {
        case .string(let text): checkInlineTemplate(text, what: what, path: path, syntax: syntax)
        case .array(let items): for item in items { checkInlineTemplates(in: item, what: what, path: path, syntax: syntax) }
        case .object(let fields):
            for key in fields.keys.sorted() { checkInlineTemplates(in: fields[key]!, what: what, path: path, syntax: syntax) }
        default: break
        }
    }
}
