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
        try Self.text(of: try await bytes(of: request))
    }

    /// The bytes as text, or `invalid_utf8` naming the first bad byte: checked rather than
    /// decoded with repairs, which would turn a bad byte into U+FFFD unnoticed.
    static func text(of buffer: ByteBuffer) throws -> String {
        if let invalid = buffer.withUnsafeReadableBytes({ firstInvalidUTF8($0.bindMemory(to: UInt8.self)) }) {
            throw APIError.badRequest("invalid_utf8", "the body is not UTF-8 text (a bad byte at offset \(invalid))", field: "body")
        }
        return String(buffer: buffer)
    }

    /// The body as JSON; an empty or malformed body is a 400 naming `body`.
    ///
    /// Read with ``JSONScanner`` rather than `JSONDecoder`: a profile of batched ingest showed
    /// `JSONDecoder` taking a third of the node's CPU. The body must be UTF-8 (the scanner
    /// would mend bad bytes silently), numbers must fit a `Double`, and a key given twice
    /// keeps its last value, as in the simulator's JSON Lines.
    func json(of request: Request) async throws -> JSONValue {
        let buffer = try await bytes(of: request)
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("empty_body", "the request has no body; send a JSON document", field: "body")
        }
        return try buffer.withUnsafeReadableBytes { try Self.parseJSON($0.bindMemory(to: UInt8.self)) }
    }

    static func parseJSON(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        if let invalid = firstInvalidUTF8(bytes) {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON: it is not UTF-8 (a bad byte at offset \(invalid))", field: "body")
        }
        do {
            return try JSONScanner.parse(bytes, finiteNumbersOnly: true)
        } catch let error as JSONScanner.SyntaxError {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON: \(error.message) (at byte \(error.offset))", field: "body")
        }
    }

    /// The offset of the first byte that does not belong to well-formed UTF-8 (overlong forms and
    /// surrogates included), or nil.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        do {
            _ = try UTF8Span(validating: bytes.span)
            return nil
        } catch {
            return error.byteOffsets.lowerBound
        }
    }

    private var tooLarge: APIError {
        APIError(.contentTooLarge, "body_too_large", "the body is larger than the limit of \(limit) bytes; split the batch", field: "body")
    }
}
