import Foundation
import JourneyModel
import JourneyRuntime

/// "End every run of this journey now" (`DELETE /v1/journeys/{id}?exit_runs=true`), as it
/// travels through every shard's shared inbox.
///
/// Like ``ScheduleTickMarker`` it rides in the inbox so that it is ordered with the events
/// around it and replayed identically by a new owner: whoever applies it ends, for every
/// customer the shard knows at that point, the run of the journey with reason `undeployed`.
/// The node that receives the request appends one to every shard after the journey is
/// undeployed in the cluster's table. Applying it twice changes nothing (the runs are gone).
public struct ExitRunsMarker: Sendable, Hashable {
    static let eventName = "waymark.exit_runs"

    public var journeyID: String
    public var at: Date

    public init(journeyID: String, at: Date) {
        self.journeyID = journeyID
        self.at = at
    }

    /// Reads a marker back out of an inbox input; nil for anything else.
    public init?(_ input: InboxInput) {
        guard case .event(let event) = input.payload, event.customerID == ScheduleTickMarker.customerID, event.name == Self.eventName,
            let journeyID = event.properties["journey_id"]?.stringValue
        else { return nil }
        self.init(journeyID: journeyID, at: event.time)
    }

    /// The inbox input that carries the marker (an empty customer id, which no API input has).
    public var inboxInput: InboxInput {
        let event = CustomerEvent(
            id: nil, customerID: ScheduleTickMarker.customerID, name: Self.eventName, time: at, properties: ["journey_id": .string(journeyID)])
        return InboxInput(payload: .event(event), acceptedAt: at)
    }
}
