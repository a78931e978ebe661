import Foundation
import JourneyModel
import JourneyRuntime

/// A schedule entry's cron tick for one shard, as it travels through the shard's
/// shared inbox.
///
/// Ticks go through the inbox, not straight to the customers, so that they are
/// ordered with the events around them: whoever applies the inbox — the owner
/// now, or a new owner replaying it after a takeover — lets the same customers
/// in ("every customer known so far" is the customers the entries before the
/// marker created), and the runs it starts get the same ids and the same send
/// keys. The inbox carries only ``InboxInput``s, so the marker rides in one as
/// a system event whose customer id is empty, which no API input can have
/// (`IngestPayload` refuses empty ids). It has no event id: the tick's
/// de-duplication is the schedule mark (``ClusterCoordinator/appendScheduleTick(shard:tick:owner:epoch:)``).
public struct ScheduleTickMarker: Sendable, Hashable {
    static let customerID = ""
    static let eventName = "waymark.schedule_tick"

    public var journeyID: String
    /// The cron instant the tick belongs to; customers get it at this time.
    public var at: Date

    public init(journeyID: String, at: Date) {
        self.journeyID = journeyID
        self.at = at
    }

    /// Reads a marker back out of an inbox input; nil for a customer's input.
    public init?(_ input: InboxInput) {
        guard case .event(let event) = input.payload, event.customerID == Self.customerID, event.name == Self.eventName,
            let journeyID = event.properties["journey_id"]?.stringValue
        else { return nil }
        self.init(journeyID: journeyID, at: event.time)
    }

    /// The inbox input that carries the marker.
    public var inboxInput: InboxInput {
        let event = CustomerEvent(
            id: nil, customerID: Self.customerID, name: Self.eventName, time: at, properties: ["journey_id": .string(journeyID)])
        return InboxInput(payload: .event(event), acceptedAt: at)
    }
}
