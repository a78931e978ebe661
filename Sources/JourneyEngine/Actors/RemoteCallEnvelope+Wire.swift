import Foundation

extension RemoteCallEnvelope {
    /// The envelope as bytes in wire version `version` (JSON).
    ///
    /// Version 1 names the target by its mangled accessor name, which is only stable while
    /// the method's signature and module do not change; version 2 names it by its stable name.
    public func encoded(version: Int = RemoteCallEnvelope.currentVersion) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        switch version {
        case 1:
            return try encoder.encode(WireV1(
                version: 1, recipient: recipient, target: try RemoteCallTargets.identifier(of: target),
                genericSubstitutions: genericSubstitutions, arguments: arguments))
        case 2:
            return try encoder.encode(WireV2(
                version: 2, recipient: recipient.customerID, target: target, genericSubstitutions: genericSubstitutions,
                arguments: arguments, timeoutMilliseconds: timeoutMilliseconds))
        default:
            throw ActorSystemError(.unsupportedVersion, "this node cannot write envelope version \(version)", context: ["envelope.version": "\(version)"])
        }
    }

    /// Reads an envelope of any version this release knows; a newer one is refused with
    /// `unsupportedVersion` (the sender retries in an older version), never half-read.
    public static func decode(_ bytes: Data) throws -> RemoteCallEnvelope {
        let decoder = JSONDecoder()
        let version: Int
        do {
            version = try decoder.decode(VersionProbe.self, from: bytes).version
        } catch {
            throw ActorSystemError(.badInvocation, "the call is not a Waymark envelope: \(error)")
        }
        guard (oldestReadableVersion...currentVersion).contains(version) else {
            throw ActorSystemError(
                .unsupportedVersion, "envelope version \(version) is not one this node reads (\(oldestReadableVersion)…\(currentVersion))",
                context: ["envelope.version": "\(version)"])
        }
        do {
            switch version {
            case 1:
                let wire = try decoder.decode(WireV1.self, from: bytes)
                return RemoteCallEnvelope(
                    recipient: wire.recipient, target: RemoteCallTargets.stableName(of: wire.target),
                    genericSubstitutions: wire.genericSubstitutions, arguments: wire.arguments)
            default:
                let wire = try decoder.decode(WireV2.self, from: bytes)
                return RemoteCallEnvelope(
                    recipient: CustomerActorID(customerID: wire.recipient), target: wire.target,
                    genericSubstitutions: wire.genericSubstitutions ?? [], arguments: wire.arguments ?? [],
                    timeoutMilliseconds: wire.timeoutMilliseconds)
            }
        } catch {
            throw ActorSystemError(.badInvocation, "envelope version \(version) is malformed: \(error)", context: ["envelope.version": "\(version)"])
        }
    }

    private struct VersionProbe: Decodable {
        var version: Int
    }

    /// Version 1, exactly as the first release wrote it (Codable's default keys). Frozen.
    struct WireV1: Codable {
        var version: Int
        var recipient: CustomerActorID
        var target: String
        var genericSubstitutions: [String]
        var arguments: [Data]
    }

    /// Version 2. Fields may be added as optionals within a version; a field whose absence
    /// changes meaning is a new version.
    struct WireV2: Codable {
        var version: Int
        var recipient: String
        var target: String
        var genericSubstitutions: [String]?
        var arguments: [Data]?
        var timeoutMilliseconds: Int64?

        enum CodingKeys: String, CodingKey {
            case version, recipient, target, arguments
            case genericSubstitutions = "generic_substitutions"
            case timeoutMilliseconds = "timeout_ms"
        }
    }
}
