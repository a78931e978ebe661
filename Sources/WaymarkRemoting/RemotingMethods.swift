import GRPCCore

/// The node-to-node gRPC service, written by hand: no protobuf, no code generation.
/// Messages are bytes whose meaning each method defines (a ``RemoteCallEnvelope`` in
/// its JSON wire form, or a ``NodeQuery``), so the envelope's own versioning is the
/// only schema evolution there is.
enum RemotingMethods {
    static let service = ServiceDescriptor(fullyQualifiedService: "waymark.remoting.v1.Nodes")
    /// One distributed call: an encoded envelope in, the encoded result out.
    static let call = MethodDescriptor(service: service, method: "Call")
    /// A question to the node itself (journey stats, …): a ``NodeQuery`` in, its answer out.
    static let query = MethodDescriptor(service: service, method: "Query")

    /// Metadata key of the shared cluster secret every call carries.
    static let secretKey = "waymark-cluster-secret"
    /// Metadata key of the ``ActorSystemError`` code on a failed call.
    static let errorCodeKey = "waymark-error-code"
    /// Metadata key of the calling node, for the receiver's logs.
    static let callerKey = "waymark-caller"
}

/// Passes bytes through as they are: messages are encoded before they reach gRPC.
struct BytesSerializer: MessageSerializer {
    typealias Message = [UInt8]

    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

/// Hands the received bytes over as they are.
struct BytesDeserializer: MessageDeserializer {
    typealias Message = [UInt8]

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
