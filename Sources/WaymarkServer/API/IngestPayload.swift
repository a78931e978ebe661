import Foundation
import JourneyModel
import JourneyRuntime

/// Turns the JSON body of `POST /v1/events` or `POST /v1/profiles` into engine
/// inputs, or refuses the whole request.
///
/// Every item is checked before anything is ingested, so a batch is applied
/// whole or not at all. Errors name the field as the client wrote it:
/// `customer_id` for a single object, `batch[3].time` inside a batch (a
/// top-level array is addressed the same way).
struct IngestPayload {
    static let eventKeys: Set<String> = ["customer_id", "event", "time", "properties", "id"]
    static let profileKeys: Set<String> = ["customer_id", "attributes", "identities", "consent"]
    static let maximumIDLength = 256

    let maximumBatch: Int

    /// The items of a body: one object, `{"batch": [...]}`, or a top-level array, each with its field prefix.
    func items(of body: JSONValue) throws -> [(prefix: String, value: JSONValue)] {
        let list: [JSONValue]
        switch body {
        case .array(let array): list = array
        case .object(let fields) where fields["batch"] != nil:
            guard fields.count == 1 else {
                let other = fields.keys.sorted().first { $0 != "batch" }!
                throw APIError.badRequest("unknown_field", "a batch body holds only `batch`, not `\(other)`", field: other)
            }
            guard case .array(let array) = fields["batch"]! else { throw APIError.wrongType("batch", expected: "an array") }
            list = array
        case .object: return [("", body)]
        default: throw APIError.wrongType("body", expected: "a JSON object or array")
        }
        guard !list.isEmpty else { throw APIError.badRequest("empty_batch", "the batch is empty", field: "batch") }
        guard list.count <= maximumBatch else {
            throw APIError.badRequest("batch_too_large", "a batch holds at most \(maximumBatch) items, this one \(list.count)", field: "batch")
        }
        return list.enumerated().map { ("batch[\($0.offset)].", $0.element) }
    }

    func events(from body: JSONValue, acceptedAt now: Date) throws -> [InboxInput] {
        try items(of: body).map { prefix, value in
            let fields = try object(value, prefix: prefix, allowed: Self.eventKeys)
            let customerID = try identifier(fields["customer_id"], field: prefix + "customer_id")
            let name = try identifier(fields["event"], field: prefix + "event")
            var time = now
            if let value = fields["time"], !value.isNull {
                guard case .string(let text) = value else { throw APIError.wrongType(prefix + "time", expected: "an ISO-8601 time string") }
                guard let parsed = Timestamp.parse(text, defaultZone: TimeZone(identifier: "UTC")!) else {
                    throw APIError.badRequest("invalid_time", "`\(text)` is not an ISO-8601 time such as 2024-03-13T11:23:32Z", field: prefix + "time")
                }
                time = parsed
            }
            var properties: [String: JSONValue] = [:]
            if let value = fields["properties"], !value.isNull {
                guard case .object(let object) = value else { throw APIError.wrongType(prefix + "properties", expected: "an object") }
                properties = object
            }
            var id: String?
            if let value = fields["id"], !value.isNull { id = try identifier(value, field: prefix + "id") }
            let event = CustomerEvent(id: id, customerID: customerID, name: name, time: time, properties: properties)
            return InboxInput(payload: .event(event), acceptedAt: now)
        }
    }

    func profiles(from body: JSONValue, acceptedAt now: Date) throws -> [InboxInput] {
        try items(of: body).map { prefix, value in
            let fields = try object(value, prefix: prefix, allowed: Self.profileKeys)
            let customerID = try identifier(fields["customer_id"], field: prefix + "customer_id")
            let attributes = try optionalObject(fields["attributes"], field: prefix + "attributes")
            var identities: [String: String] = [:]
            for (key, value) in try optionalObject(fields["identities"], field: prefix + "identities") {
                guard case .string(let text) = value else { throw APIError.wrongType(prefix + "identities.\(key)", expected: "a string") }
                identities[key] = text
            }
            var consent: [String: Bool] = [:]
            for (key, value) in try optionalObject(fields["consent"], field: prefix + "consent") {
                guard case .bool(let granted) = value else { throw APIError.wrongType(prefix + "consent.\(key)", expected: "true or false") }
                consent[key] = granted
            }
            let change = ProfileChange(customerID: customerID, attributes: attributes, identities: identities, consent: consent)
            return InboxInput(payload: .profile(change), acceptedAt: now)
        }
    }

    private func object(_ value: JSONValue, prefix: String, allowed: Set<String>) throws -> [String: JSONValue] {
        guard case .object(let fields) = value else {
            throw APIError.wrongType(prefix.isEmpty ? "body" : String(prefix.dropLast()), expected: "an object")
        }
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            let hint = closestMatch(to: unknown, in: allowed).map { " (did you mean `\($0)`?)" } ?? ""
            throw APIError.badRequest("unknown_field", "unknown field `\(unknown)`\(hint); allowed: \(allowed.sorted().joined(separator: ", "))", field: prefix + unknown)
        }
        return fields
    }

    private func optionalObject(_ value: JSONValue?, field: String) throws -> [String: JSONValue] {
        guard let value, !value.isNull else { return [:] }
        guard case .object(let object) = value else { throw APIError.wrongType(field, expected: "an object") }
        return object
    }

    /// A non-empty string of at most 256 characters (customer ids, event names, event ids).
    private func identifier(_ value: JSONValue?, field: String) throws -> String {
        guard let value, !value.isNull else { throw APIError.missing(field) }
        guard case .string(let text) = value else { throw APIError.wrongType(field, expected: "a string") }
        // Foundation's trimming and `count` (grapheme breaking) showed in ingest profiles: an id that
        // starts with a visible ASCII character is not blank, and one of few bytes has few characters.
        let startsVisible = text.utf8.first.map { (0x21..<0x7F).contains($0) } ?? false
        guard startsVisible || !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("empty_field", "`\(field)` must not be empty", field: field)
        }
        guard text.utf8.count <= Self.maximumIDLength || text.count <= Self.maximumIDLength else {
            throw APIError.badRequest("too_long", "`\(field)` is longer than \(Self.maximumIDLength) characters", field: field)
        }
        return text
    }
}
