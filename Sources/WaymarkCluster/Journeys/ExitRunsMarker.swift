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
public struct ExitRunsMarker: JourneyInstantMarker, Hashable {
    public static let eventName = "waymark.exit_runs"

    public var journeyID: String
    public var at: Date

    public init(journeyID: String, at: Date) {
        self.journeyID = journeyID
        self.at = at
    }
}
