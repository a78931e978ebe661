/// The templates a journey can use: the file names found in its `templates/`
/// folder. A value, so the validator never touches the file system itself.
public struct TemplateCatalog: Sendable, Hashable {
    /// File names such as `cart_reminder.mustache` or `cart_reminder.email.mustache`.
    public var fileNames: Set<String>
    /// Where the templates were looked for, for messages (`journeys/templates`).
    public var location: String

    public init(fileNames: Set<String>, location: String) {
        self.fileNames = fileNames
        self.location = location
    }

    /// The file that renders `template` on `channel`: the channel-specific one when present.
    public func fileName(for template: String, channel: String?) -> String? {
        if let channel, fileNames.contains("\(template).\(channel).mustache") {
            return "\(template).\(channel).mustache"
        }
        return fileNames.contains("\(template).mustache") ? "\(template).mustache" : nil
    }

    /// Whether any file (generic or per channel) exists for `template`.
    public func hasAnyFile(for template: String) -> Bool {
        fileNames.contains { $0 == "\(template).mustache" || ($0.hasPrefix("\(template).") && $0.hasSuffix(".mustache") && $0.split(separator: ".").count == 3) }
    }

    /// Template names (without channel or extension), for "did you mean" hints.
    public var templateNames: Set<String> {
        Set(fileNames.compactMap { $0.split(separator: ".").first.map(String.init) })
    }
}
