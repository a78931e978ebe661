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
public struct SegmentCheckMarker: InboxMarker, Hashable {
    public static let eventName = "waymark.check_segments"

    public var journeyID: String
    public var version: Int
    public var at: Date

    public init(journeyID: String, version: Int, at: Date) {
        self.journeyID = journeyID
        self.version = version
        self.at = at
    }

    public init?(properties: [String: JSONValue], at: Date) {
        guard let journeyID = properties["journey_id"]?.stringValue, let version = properties["version"]?.numberValue else { return nil }
        self.init(journeyID: journeyID, version: Int(version), at: at)
    }

    public var properties: [String: JSONValue] { ["journey_id": .string(journeyID), "version": .number(Double(version))] }
}
