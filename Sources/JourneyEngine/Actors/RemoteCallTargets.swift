import Foundation

/// Stable names for the distributed methods other nodes may call.
///
/// The runtime finds a method's accessor by its mangled name, which changes whenever
/// the method's module, type or signature is renamed, even when the call means the
/// same thing. The wire carries the stable name instead, and each release maps it
/// to the accessor it has. Renaming a method keeps its stable name here; changing
/// what a call means takes a new name (and the old one kept while any release in
/// the cluster may send it). Methods without a stable name travel by mangled name,
/// which works between nodes of one build only.
public enum RemoteCallTargets {
    /// Stable name → this build's mangled accessor name.
    ///
    /// Checked by a test against what the runtime records for each call, so a rename
    /// that changes a mangled name fails the build's tests rather than the cluster.
    public static let known: [String: String] = [
        "CustomerActor.snapshot()": "$s13JourneyEngine13CustomerActorC8snapshot0A7Runtime0C5StateVyYaKFTE",
        "CustomerActor.lookup(recentActions:)": "$s13JourneyEngine13CustomerActorC6lookup13recentActionsAA0C6LookupVSgSi_tYaKFTE",
    ]

    private static let byIdentifier: [String: String] = Dictionary(uniqueKeysWithValues: known.map { ($0.value, $0.key) })

    /// The name to put on the wire for the accessor `identifier`.
    public static func stableName(of identifier: String) -> String {
        byIdentifier[identifier] ?? identifier
    }

    /// The accessor to run for a name from the wire: a stable name this release knows, or
    /// a mangled name as it came (the runtime refuses one it has no accessor for).
    public static func identifier(of name: String) throws -> String {
        if let identifier = known[name] { return identifier }
        guard name.hasPrefix("$s") else {
            throw ActorSystemError(.unknownTarget, "`\(name)` is not a call this node knows", context: ["call.target": name])
        }
        return name
    }
}
