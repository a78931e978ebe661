import Foundation
import Hummingbird
import JourneyModel

/// JSON bodies for responses. `JSONValue` prints sorted keys, so identical answers are byte-identical.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer(string: value.description)
        buffer.writeString("\n")
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: buffer))
    }
}

extension JSONValue {
    /// `Timestamp.format`, or null.
    static func time(_ date: Date?) -> JSONValue {
        date.map { .string(Timestamp.format($0)) } ?? .null
    }

    static func optional(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }

    static func int(_ value: Int) -> JSONValue {
        .number(Double(value))
    }
}
