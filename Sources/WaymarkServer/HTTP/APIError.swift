import Foundation
import Hummingbird
import JourneyModel

/// A request the node refuses, as the client sees it:
/// `{"error": {"code", "message", "field"}}` with a 4xx (or 503) status.
///
/// `field` names the part of the request that is wrong (`batch[3].time`,
/// `customer_id`, `body`) so that a client can fix it without guessing.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// Extra members of the error object (the diagnostics of an invalid journey).
    public var details: [String: JSONValue]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil, details: [String: JSONValue] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.details = details
    }

    public var description: String {
        "\(status.code) \(code): \(message)" + (field.map { " (field \($0))" } ?? "")
    }

    public var json: JSONValue {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message), "field": field.map(JSONValue.string) ?? .null]
        error.merge(details) { _, detail in detail }
        return .object(["error": .object(error)])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(json, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}

extension APIError {
    static func badRequest(_ code: String, _ message: String, field: String?) -> APIError {
        APIError(.badRequest, code, message, field: field)
    }

    static func wrongType(_ field: String, expected: String) -> APIError {
        APIError(.badRequest, "wrong_type", "`\(field)` must be \(expected)", field: field)
    }

    static func missing(_ field: String) -> APIError {
        APIError(.badRequest, "missing_field", "`\(field)` is required", field: field)
    }

    static func notFound(_ code: String, _ message: String, field: String? = nil) -> APIError {
        APIError(.notFound, code, message, field: field)
    }

    static let shuttingDown = APIError(.serviceUnavailable, "shutting_down", "the node is shutting down and accepts no more input; retry on another node or later")

    static let notReady = APIError(
        .serviceUnavailable, "not_ready",
        "the node has not joined its cluster yet and takes no writes until it has; retry shortly or on another node")
}
