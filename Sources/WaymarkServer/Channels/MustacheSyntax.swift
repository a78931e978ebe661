import JourneyModel
import Mustache

/// The template syntax the node renders with (swift-mustache), as a check the journey
/// validator can run: inline messages are refused at deploy, and `waymark validate`
/// reports template files that would stop a node's start.
public enum MustacheSyntax {
    /// What is wrong with `text` as a Mustache template, or nil when it parses.
    @Sendable public static func check(_ text: String) -> TemplateSyntaxProblem? {
        do {
            _ = try MustacheTemplate(string: text)
            return nil
        } catch let error as MustacheTemplate.ParserError {
            return TemplateSyntaxProblem(
                message: describe(error.error), line: error.context.lineNumber, column: error.context.columnNumber)
        } catch {
            return TemplateSyntaxProblem(message: "\(error)", line: 1, column: 1)
        }
    }

    /// The parser's error in an author's words.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with another name than it was opened with"
        case .unfinishedName: return "a tag is not finished (`{{name}}`)"
        case .expectedSectionEnd: return "a section is never closed (`{{#name}}…{{/name}}`)"
        case .invalidSetDelimiter: return "a set-delimiter tag is malformed"
        case .transformAppliedToInheritanceSection: return "a transform is applied to an inheritance section"
        case .illegalTokenInsideInheritSection: return "a tag is not allowed inside an inheritance section"
        case .textInsideInheritSection: return "text is not allowed inside an inheritance section"
        case .invalidConfigVariableSyntax: return "a `{{% … }}` tag is malformed"
        case .unrecognisedConfigVariable: return "a `{{% … }}` tag names no known setting (CONTENT_TYPE: HTML or TEXT)"
        }
    }
}
