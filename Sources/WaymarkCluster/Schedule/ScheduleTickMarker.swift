import Foundation
import JourneyModel
import JourneyRuntime

/// A schedule entry's cron tick for one shard, as it travels through the shard's
/// shared inbox (see ``InboxMarker``): whoever applies it lets in the customers known
/// at that point ("every customer known so far" is the customers the entries before
/// the marker created), and the runs it starts get the same ids and send keys on any
/// owner. Its de-duplication is the schedule mark
/// (``ClusterCoordinator/appendScheduleTick(shard:tick:owner:epoch:)``).
public struct ScheduleTickMarker: JourneyInstantMarker, Hashable {
    public static let eventName = "waymark.schedule_tick"

    public var journeyID: String
    /// The cron instant the tick belongs to; customers get it at this time.
    public var at: Date

    public init(journeyID: String, at: Date) {
        self.journeyID = journeyID
        self.at = at
    }
}
