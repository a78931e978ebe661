import Foundation
import JourneyModel
import JourneyRuntime

/// "Check this new segment journey for every known customer now", as it travels through
/// every shard's shared inbox after a segment journey is deployed (a single node checks
/// every customer at deploy time; a cluster's customers live on the shards' owners).
///
/// It names the version it was deployed as: a shard does not apply past the marker until
/// its node has installed that version (within `journey_poll_interval`), so the check
/// always sees the journey, on the first owner and on any owner replaying it.
public struct SegmentCheckMarker: Sendable, Hashable {
    static let eventName = "waymark.check_segments"

    public var journeyID: String
    public var version: Int
    public var at: Date

    public init(journeyID: String, version: Int, at: Date) {
        self.journeyID = journeyID
        self.version = version
        self.at = at
    }

    /// Reads a marker back out of an inbox input; nil for anything else.
    public init?(_ input: InboxInput) {
        guard case .event(let event) = input.payload, event.customerID == ScheduleTickMarker.customerID, event.name == Self.eventName,
            let journeyID = event.properties["journey_id"]?.stringValue, let version = event.properties["version"]?.numberValue
        else { return nil }
        self.init(journeyID: journeyID, version: Int(version), at: event.time)
    }

    /// The inbox input that carries the marker (an empty customer id, which no API input has).
    public var inboxInput: InboxInput {
        let event = CustomerEvent(
            id: nil, customerID: ScheduleTickMarker.customerID, name: Self.eventName, time: at,
            properties: ["journey_id": .string(journeyID), "version": .number(Double(version))])
        return InboxInput(payload: .event(event), acceptedAt: at)
    }
}
