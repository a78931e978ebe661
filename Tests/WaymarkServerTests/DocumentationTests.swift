import Foundation
import Testing

/// The API documents and the OpenAPI file name every route the node serves, so they cannot drift apart silently.
@Suite struct DocumentationTests {
    static let routes = [
        ("post", "/v1/events"), ("post", "/v1/profiles"), ("get", "/v1/customers/{id}"), ("get", "/v1/journeys"),
        ("post", "/v1/journeys"), ("delete", "/v1/journeys/{id}"), ("get", "/v1/journeys/{id}/stats"),
        ("get", "/v1/cluster"), ("get", "/health"), ("get", "/ready"), ("get", "/metrics"),
    ]

    static func read(_ name: String) throws -> String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: repository.appendingPathComponent("docs").appendingPathComponent(name), encoding: .utf8)
    }

    @Test func everyRouteIsDocumented() throws {
        let openAPI = try Self.read("openapi.yaml")
        let guide = try Self.read("api.md")
        for (method, path) in Self.routes {
            guard let start = openAPI.range(of: "\n  \(path):\n") else {
                Issue.record("openapi.yaml lacks \(path)")
                continue
            }
            let rest = openAPI[start.upperBound...]
            let section = rest.components(separatedBy: "\n  /").first ?? ""
            #expect(section.contains("    \(method):"), "openapi.yaml lacks \(method) \(path)")
            #expect(guide.contains("`\(method.uppercased()) \(path)`"), "api.md lacks \(method.uppercased()) \(path)")
        }
    }
}
