import Foundation
import JourneyEngine
import JourneyModel
import JourneyRuntime
import Mustache

/// Renders outbox messages with swift-mustache from a journeys `templates/`
/// folder: `NAME.CHANNEL.mustache` when present, else `NAME.mustache`.
///
/// Templates are parsed once at start, so a syntax error stops the node
/// instead of dead-lettering messages hours later. Inline `message:` texts and
/// webhook bodies are Mustache too; they are parsed on first use and cached.
///
/// `{{name}}` escapes HTML only on the channels whose messages are HTML (`email`
/// unless configured otherwise): an SMS, a push or a WeChat message carries the
/// text as it is, never `Tom &amp; Jerry`. `{{{name}}}` never escapes, and a
/// template may still choose for itself with `{{%CONTENT_TYPE:HTML}}` or `TEXT`.
public final class MustacheMessageRenderer: MessageRenderer {
    /// File names (`cart_reminder.email.mustache`), for journey validation.
    public let fileNames: Set<String>
    public let directory: String
    /// Channels whose messages are HTML, where `{{name}}` escapes; plain text everywhere else.
    public let htmlChannels: Set<String>
    /// The templates as written: `{{name}}` escapes HTML.
    private let library: MustacheLibrary
    /// The same templates with `{{name}}` inserting plain text.
    private let textLibrary: MustacheLibrary
    private let inline = InlineTemplateCache()

    /// Loads every `*.mustache` file of `directory` (a missing folder means no templates).
    public init(directory: String, htmlChannels: Set<String> = ["email"]) throws {
        self.directory = directory
        self.htmlChannels = htmlChannels
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".mustache") }
        var templates: [String: MustacheTemplate] = [:]
        var textTemplates: [String: MustacheTemplate] = [:]
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let key = String(name.dropLast(".mustache".count))
            do {
                templates[key] = try MustacheTemplate(string: text)
                textTemplates[key] = try MustacheTemplate(string: TemplateEscaping.text.pragma + text)
            } catch {
                throw RenderError(template: path, message: "cannot parse the template: \(error)")
            }
        }
        fileNames = Set(names)
        library = MustacheLibrary(templates: templates)
        textLibrary = MustacheLibrary(templates: textTemplates)
    }

    /// The validator for journeys this renderer renders: their templates must be among its
    /// files, and every template text must read as Mustache.
    public func journeyValidator(knownChannels: Set<String>) -> JourneyValidator {
        JourneyValidator(
            knownChannels: knownChannels, templates: TemplateCatalog(fileNames: fileNames, location: directory), templateSyntax: MustacheSyntax.check)
    }

    /// How `{{name}}` escapes in messages on `channel`.
    public func escaping(for channel: String) -> TemplateEscaping {
        htmlChannels.contains(channel) ? .html : .text
    }

    public func render(_ message: OutboundMessage) throws -> String? {
        let context = MustacheContext.make(for: message)
        if message.kind == .webhook {
            switch message.webhook?.body {
            case .template(let name)?: return try renderFile(name, channel: "webhook", context: context)
            case .json(let body)?: return renderLeaves(body, context: context).description
            case nil: return nil
            }
        }
        if let name = message.template {
            return try renderFile(name, channel: message.channel, context: context)
        }
        return try message.message.map { try renderInline($0, context: context, escaping: escaping(for: message.channel)) }
    }

    /// Renders a Mustache text (a webhook URL or header) against a message's context.
    public func renderInline(_ text: String, for message: OutboundMessage, escaping: TemplateEscaping = .html) throws -> String {
        try renderInline(text, context: MustacheContext.make(for: message), escaping: escaping)
    }

    private func renderFile(_ name: String, channel: String, context: [String: Any]) throws -> String {
        let library = escaping(for: channel) == .html ? library : textLibrary
        if let template = library.getTemplate(named: "\(name).\(channel)") {
            return template.render(context, library: library)
        }
        guard let template = library.getTemplate(named: name) else {
            throw RenderError(template: name, message: "no template `\(name)` in \(directory)")
        }
        return template.render(context, library: library)
    }

    /// A text without a tag is itself, and its `context` (the whole profile and event converted
    /// for Mustache) is then never built. Most webhook URLs and headers are fixed: in a node
    /// benchmark run, building contexts went from 0.97% of the samples to 0.55% once they were
    /// built only for texts with tags.
    private func renderInline(_ text: String, context: @autoclosure () -> [String: Any], escaping: TemplateEscaping) throws -> String {
        guard text.contains("{{") else { return text }
        return try inline.template(for: escaping.pragma + text).render(context(), library: library)
    }

    /// A JSON body whose string leaves are templates. The leaves are plain text: the JSON
    /// encoding escapes what JSON needs, and HTML entities would only corrupt the values.
    private func renderLeaves(_ value: JSONValue, context: [String: Any]) -> JSONValue {
        switch value {
        case .string(let text): return .string((try? renderInline(text, context: context, escaping: .text)) ?? text)
        case .array(let items): return .array(items.map { renderLeaves($0, context: context) })
        case .object(let fields): return .object(fields.mapValues { renderLeaves($0, context: context) })
        default: return value
        }
    }
}

/// How `{{name}}` escapes the value it inserts (`{{{name}}}` never escapes).
public enum TemplateEscaping: Sendable {
    /// Mustache's default: `& < > " '` become HTML entities (message templates).
    case html
    /// Inserted as is (webhook header values and the string leaves of a JSON body).
    case text
    /// Percent-encoded but for letters, digits and `-._~`, so a value stays one path segment or
    /// query value (webhook URLs).
    case url

    var pragma: String {
        switch self {
        case .html: return ""
        case .text: return "{{%CONTENT_TYPE:TEXT}}"
        case .url:
            _ = URLComponentContentType.registered
            return "{{%CONTENT_TYPE:\(URLComponentContentType.name)}}"
        }
    }
}

/// Percent-encodes what a template inserts into a URL.
struct URLComponentContentType: MustacheContentType {
    static let name = "WAYMARK_URL_COMPONENT"
    static let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    /// Registers the type with swift-mustache once, on first use.
    static let registered: Void = MustacheContentTypes.register(URLComponentContentType(), named: name)

    func escapeText(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: Self.allowed) ?? text
    }
}

/// A template that could not be found or parsed: the delivery is dead-lettered with this message.
public struct RenderError: Error, CustomStringConvertible, Sendable {
    public var template: String
    public var message: String
    public var description: String { "\(template): \(message)" }
}
