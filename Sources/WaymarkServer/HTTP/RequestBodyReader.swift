import Foundation
import Hummingbird
import JourneyModel
import NIOCore

/// Reads request bodies with a size limit, so one oversized request cannot make
/// the node buffer without bound: a declared `Content-Length` over the limit is
/// refused before reading, a streamed body as soon as it passes the limit.
struct RequestBodyReader: Sendable {
    let limit: Int

    func bytes(of request: Request) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw tooLarge
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

    func text(of request: Request) async throws -> String {
        let buffer = try await bytes(of: request)
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes), text.utf8.count == buffer.readableBytes else {
            throw APIError.badRequest("invalid_utf8", "the body is not UTF-8 text", field: "body")
        }
        return text
    }

    /// The body as JSON; an empty or malformed body is a 400 naming `body`.
    func json(of request: Request) async throws -> JSONValue {
        let buffer = try await bytes(of: request)
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("empty_body", "the request has no body; send a JSON document", field: "body")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
            throw APIError.badRequest("malformed_json", "the body is not valid JSON: \(detail)", field: "body")
        } catch {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON", field: "body")
        }
    }

    private var tooLarge: APIError {
        APIError(.contentTooLarge, "body_too_large", "the body is larger than the limit of \(limit) bytes; split the batch", field: "body")
    }
}
