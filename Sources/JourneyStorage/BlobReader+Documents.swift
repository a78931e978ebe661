import Foundation
import JourneyModel
import JourneyRuntime

/// The documents ``BlobReader`` reads, mirroring ``BlobWriter`` (`BlobWriter+Documents.swift`).
/// `BlobReaderTests` reads each with both this and `JSONDecoder` and compares the results.
extension BlobReader {
    func message() throws -> OutboundMessage {
        guard let kind = OutboundMessage.Kind(rawValue: try string("kind")) else { throw Unexpected() }
        return OutboundMessage(
            idempotencyKey: try string("idempotencyKey"), kind: kind, time: try date("time"), customerID: try string("customerID"),
            journeyID: try string("journeyID"), version: try integer("version"), run: try integer("run"), stepID: try string("stepID"),
            visit: try integer("visit"), channel: try string("channel"), template: try optionalString("template"),
            message: try optionalString("message"), data: optionalJSON("data"), webhook: try optionalObject("webhook")?.webhook(),
            profile: try json("profile"), event: try optionalObject("event")?.event(), variant: try optionalString("variant"),
            enteredAt: try optionalDate("enteredAt"))
    }

    func event() throws -> EventContext {
        EventContext(name: try string("name"), time: try date("time"), properties: try json("properties"))
    }

    func webhook() throws -> Webhook {
        var body: Webhook.Body?
        if let encoded = try optionalObject("body") {
            // `{"template":{"_0":text}}` or `{"json":{"_0":value}}`.
            switch encoded.soleKey {
            case "template": body = .template(try encoded.object("template").string("_0"))
            case "json": body = .json(try encoded.object("json").json("_0"))
            default: throw Unexpected()
            }
        }
        return Webhook(url: try string("url"), method: try string("method"), headers: try strings("headers"), body: body)
    }
}
