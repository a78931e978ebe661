/// Where each part of a journey definition was written, keyed by a path such as
/// `steps[2].send.template` or `entry.where`.
///
/// Kept beside the definition rather than inside it so that definitions stay
/// plain values: equal journeys are equal however they were formatted.
public struct JourneySourceMap: Sendable, Hashable, Codable {
    public var file: String
    public private(set) var locations: [String: SourceLocation]

    public init(file: String, locations: [String: SourceLocation] = [:]) {
        self.file = file
        self.locations = locations
    }

    public mutating func record(_ path: String, line: Int, column: Int) {
        locations[path] = SourceLocation(file: file, line: line, column: column)
    }

    /// The location of `path`, or of its nearest recorded ancestor, or the top of the file.
    public func location(_ path: String) -> SourceLocation {
        var candidate = Substring(path)
        while !candidate.isEmpty {
            if let location = locations[String(candidate)] { return location }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            candidate = candidate[..<cut]
        }
        return SourceLocation(file: file, line: 1, column: 1)
    }

    /// The path of step number `index` (0-based), as the YAML front end records it.
    public static func step(_ index: Int) -> String { "steps[\(index)]" }
}
