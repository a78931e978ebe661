import AsyncHTTPClient
import Foundation
import JourneyModel
import NIOCore
import NIOHTTP1

/// Talks to a running node's API, for the admin subcommands (`waymark status`,
/// `deploy`, `customer`, `send-event`) and for tests.
public struct NodeClient: Sendable {
    /// A node's answer: the status code and the JSON body (or the text, when it is not JSON).
    public struct Answer: Sendable {
        public var status: Int
        public var json: JSONValue
        public var text: String

        public var isSuccess: Bool { (200..<300).contains(status) }
        /// The `error.message` of a failed call.
        public var errorMessage: String? { json[path: ["error", "message"]].stringValue }
    }

    public var baseURL: String
    public var token: String?
    public var timeout: TimeInterval
    let client: HTTPClient

    public init(baseURL: String, token: String? = nil, timeout: TimeInterval = 30, client: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.timeout = timeout
        self.client = client
    }

    public func get(_ path: String) async throws -> Answer {
        try await send(.GET, path)
    }

    public func delete(_ path: String) async throws -> Answer {
        try await send(.DELETE, path)
    }

    public func post(_ path: String, json: JSONValue) async throws -> Answer {
        try await send(.POST, path, body: json.description, contentType: "application/json")
    }

    public func post(_ path: String, text: String, contentType: String) async throws -> Answer {
        try await send(.POST, path, body: text, contentType: contentType)
    }

    /// One request; a node that cannot be reached is a thrown error, any HTTP answer is an ``Answer``.
    public func send(_ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String? = nil, headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        let text = String(buffer: buffer)
        let json = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
        return Answer(status: Int(response.status.code), json: json, text: text)
    }
}
