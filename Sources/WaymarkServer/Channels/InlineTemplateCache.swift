import Mustache
import Synchronization

/// Parsed inline templates by their text: journeys repeat the same few inline
/// messages for every customer, so each is parsed once.
final class InlineTemplateCache: Sendable {
    private let templates = Mutex<[String: MustacheTemplate]>([:])
    /// Bounds memory if webhook bodies carry many distinct texts.
    private let capacity = 1_024

    func template(for text: String) throws -> MustacheTemplate {
        if let cached = templates.withLock({ $0[text] }) { return cached }
        let template = try MustacheTemplate(string: text)
        templates.withLock { cache in
            if cache.count >= capacity { cache.removeAll() }
            cache[text] = template
        }
        return template
    }
}
