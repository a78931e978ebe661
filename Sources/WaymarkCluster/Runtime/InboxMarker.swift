import Foundation
import JourneyModel
import JourneyRuntime

/// A cluster instruction that travels through a shard's shared inbox (a schedule tick,
/// a segment check, an undeploy's exit), ordered with the events around it, so that
/// whoever applies the inbox — the owner now, or a new owner replaying it after a
/// takeover — acts on it at the same point and decides the same.
///
/// The inbox carries only ``InboxInput``s, so a marker rides in one as a system event
/// whose customer id is empty, which no API input can have (`IngestPayload` refuses
/// empty ids). It has no event id: each kind de-duplicates in its own way.
public protocol InboxMarker: Sendable {
    /// The system event's name, unique per kind of marker.
    static var eventName: String { get }
    /// When the marker takes effect; customers see it at this time.
    var at: Date { get }
    /// What the marker carries besides its time.
    var properties: [String: JSONValue] { get }
    /// Reads the marker back from what ``properties`` wrote; nil when something is missing.
    init?(properties: [String: JSONValue], at: Date)
}

/// The customer id of every marker: empty, which no API input can have.
let inboxMarkerCustomerID = ""

extension InboxMarker {
    /// Reads a marker of this kind back out of an inbox input; nil for anything else.
    public init?(_ input: InboxInput) {
        guard case .event(let event) = input.payload, event.customerID == inboxMarkerCustomerID, event.name == Self.eventName else {
            return nil
        }
        self.init(properties: event.properties, at: event.time)
    }

    /// The inbox input that carries the marker.
    public var inboxInput: InboxInput {
        let event = CustomerEvent(id: nil, customerID: inboxMarkerCustomerID, name: Self.eventName, time: at, properties: properties)
        return InboxInput(payload: .event(event), acceptedAt: at)
    }
}

/// A marker that names a journey and an instant, and carries nothing else.
public protocol JourneyInstantMarker: InboxMarker {
    var journeyID: String { get }
    init(journeyID: String, at: Date)
}

extension JourneyInstantMarker {
    public init?(properties: [String: JSONValue], at: Date) {
        guard let journeyID = properties["journey_id"]?.stringValue else { return nil }
        self.init(journeyID: journeyID, at: at)
    }

    public var properties: [String: JSONValue] { ["journey_id": .string(journeyID)] }
}
