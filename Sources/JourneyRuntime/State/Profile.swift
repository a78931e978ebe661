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
    public mutating func recordTraits(of event: CustomerEvent) {
        let text = Timestamp.format(event.time)
        let time = JSONValue.string(text)
        // ISO-8601 UTC text sorts like time, so an event from the past never moves these the wrong way.
        if (attributes["first_seen_at"]?.stringValue).map({ text < $0 }) ?? true { attributes["first_seen_at"] = time }
        if (attributes["last_seen_at"]?.stringValue).map({ text >= $0 }) ?? true { attributes["last_seen_at"] = time }
        // The acquisition channel is the channel of the first recorded event, as the language says;
        // a first event without a `channel` leaves the customer without one.
        if attributes["events"] == nil, attributes["acquisition_channel"] == nil, let channel = event.channel {
            attributes["acquisition_channel"] = .string(channel)
        }
        // Taken out rather than read, so that the only reference is the local one and the
        // changes below happen in place instead of copying the counters on every event.
        var events = attributes.removeValue(forKey: "events")?.objectValue ?? [:]
        var counter = events.removeValue(forKey: event.name)?.objectValue ?? [:]
        counter["count"] = .number((counter["count"]?.numberValue ?? 0) + 1)
        if (counter["last_at"]?.stringValue).map({ text >= $0 }) ?? true { counter["last_at"] = time }
        events[event.name] = .object(counter)
        attributes["events"] = .object(events)
        if event.name == CustomerEvent.purchaseName {
            attributes["purchase_count"] = .number((attributes["purchase_count"]?.numberValue ?? 0) + 1)
            if let value = event.properties["value"]?.numberValue ?? event.properties["revenue"]?.numberValue {
                attributes["total_spent"] = .number((attributes["total_spent"]?.numberValue ?? 0) + value)
            }
        }
    }
}
