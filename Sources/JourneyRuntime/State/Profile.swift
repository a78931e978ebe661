import Foundation
import JourneyModel

/// One customer's unified profile: attributes, identities, consent and the
/// traits Waymark computes from their events, all in one JSON object so that
/// expressions read it (`profile.…`) without assembling anything.
///
/// Reserved keys (written by Waymark, readable by journeys):
/// `first_seen_at`, `last_seen_at` (ISO-8601 UTC), `acquisition_channel`,
/// `purchase_count`, `total_spent`, `events.NAME.count`, `events.NAME.last_at`,
/// `consent.CHANNEL`, `tags`. Identities (`email`, `phone`, `wechat_openid`,
/// `device_id`, …) are attributes of the same name.
public struct Profile: Sendable, Hashable, Codable {
    public private(set) var attributes: [String: JSONValue]

    public init(attributes: [String: JSONValue] = [:]) {
        self.attributes = attributes
    }

    /// The profile as expressions and templates see it.
    public var json: JSONValue { .object(attributes) }

    public subscript(key: String) -> JSONValue {
        attributes[key] ?? .null
    }

    /// The customer's own IANA time zone, when the `timezone` attribute names a real one.
    public var timezone: String? { attributes["timezone"]?.stringValue }

    public mutating func set(_ value: JSONValue, at path: [String]) {
        guard let first = path.first else { return }
        if path.count == 1 {
            attributes[first] = value
        } else {
            attributes[first] = (attributes[first] ?? .null).setting(value, at: path.dropFirst())
        }
    }

    public mutating func remove(at path: [String]) {
        guard let first = path.first else { return }
        if path.count == 1 {
            attributes.removeValue(forKey: first)
        } else if let child = attributes[first] {
            attributes[first] = child.removing(at: path.dropFirst())
        }
    }

    /// Applies what an identify call sends: attribute values (null removes), identities, consent.
    public mutating func apply(_ change: ProfileChange) {
        for (key, value) in change.attributes {
            if value.isNull { attributes.removeValue(forKey: key) } else { attributes[key] = value }
        }
        for (key, value) in change.identities {
            attributes[key] = .string(value)
        }
        if !change.consent.isEmpty {
            var consent = attributes["consent"]?.objectValue ?? [:]
            for (channel, granted) in change.consent { consent[channel] = .bool(granted) }
            attributes["consent"] = .object(consent)
        }
    }

    /// Updates the computed traits for an event. Kept in one place so every
    /// node and the simulator compute them the same way.
    ///
    /// Every value is changed in place through one lookup of its key (`subscript(_:default:)`,
    /// `values[index]`): this runs on every event, and taking values out and putting them back
    /// cost three lookups each, about 7% of a simulation.
    public mutating func recordTraits(of event: CustomerEvent) {
        let text = Timestamp.format(event.time)
        // ISO-8601 UTC text sorts like time, so an event from the past never moves these the wrong way.
        Self.keepEarliest(text, in: &attributes["first_seen_at", default: .null])
        Self.keepLatest(text, in: &attributes["last_seen_at", default: .null])
        let eventsIndex = attributes.index(forKey: "events")
        if let eventsIndex {
            Self.withObject(&attributes.values[eventsIndex]) { Self.count(event.name, at: text, in: &$0) }
        } else {
            // The acquisition channel is the channel of the first recorded event, as the language says;
            // a first event without a `channel` leaves the customer without one.
            if let channel = event.channel, attributes["acquisition_channel"] == nil {
                attributes["acquisition_channel"] = .string(channel)
            }
            var events: [String: JSONValue] = [:]
            Self.count(event.name, at: text, in: &events)
            attributes["events"] = .object(events)
        }
        if event.name == CustomerEvent.purchaseName {
            Self.add(1, to: &attributes["purchase_count", default: .null])
            if let value = event.properties["value"]?.numberValue ?? event.properties["revenue"]?.numberValue {
                Self.add(value, to: &attributes["total_spent", default: .null])
            }
        }
    }

    /// `events.NAME`: one more, and the latest time.
    private static func count(_ name: String, at text: String, in events: inout [String: JSONValue]) {
        withObject(&events[name, default: .null]) { counter in
            add(1, to: &counter["count", default: .null])
            keepLatest(text, in: &counter["last_at", default: .null])
        }
    }

    /// Changes the object in `value` in place (anything else becomes an empty object first).
    private static func withObject(_ value: inout JSONValue, _ body: (inout [String: JSONValue]) -> Void) {
        var fields: [String: JSONValue] = [:]
        if case .object(let existing) = value { fields = existing }
        // Drop the enum's reference, so the fields are uniquely referenced and change in place.
        value = .null
        body(&fields)
        value = .object(fields)
    }

    /// Sets `value` to `text` unless it holds an earlier or equal time already.
    private static func keepEarliest(_ text: String, in value: inout JSONValue) {
        if let current = value.stringValue, !(text < current) { return }
        value = .string(text)
    }

    /// Sets `value` to `text` unless it holds a later time already.
    private static func keepLatest(_ text: String, in value: inout JSONValue) {
        if let current = value.stringValue, text < current { return }
        value = .string(text)
    }

    /// Adds to a number (anything else counts as zero).
    private static func add(_ amount: Double, to value: inout JSONValue) {
        value = .number((value.numberValue ?? 0) + amount)
    }
}
