import Distributed
import Foundation

/// Records a distributed call's generic substitutions and arguments as JSON,
/// the form a ``RemoteCallEnvelope`` carries.
public struct WaymarkInvocationEncoder: DistributedTargetInvocationEncoder {
    public typealias SerializationRequirement = Codable

    var genericSubstitutions: [String] = []
    var arguments: [Data] = []
    private let encoder = JSONEncoder()

    public mutating func recordGenericSubstitution<T>(_ type: T.Type) throws {
        genericSubstitutions.append(_mangledTypeName(type) ?? String(reflecting: type))
    }

    public mutating func recordArgument<Value: Codable>(_ argument: RemoteCallArgument<Value>) throws {
        arguments.append(try encoder.encode(argument.value))
    }

    public mutating func recordReturnType<R: Codable>(_ type: R.Type) throws {}

    public mutating func recordErrorType<E: Error>(_ type: E.Type) throws {}

    public mutating func doneRecording() throws {}
}

/// Reads a call recorded by ``WaymarkInvocationEncoder`` back, on the node that runs it.
public struct WaymarkInvocationDecoder: DistributedTargetInvocationDecoder {
    public typealias SerializationRequirement = Codable

    private let envelope: RemoteCallEnvelope
    private var nextArgument = 0
    private let decoder = JSONDecoder()

    public init(envelope: RemoteCallEnvelope) {
        self.envelope = envelope
    }

    public mutating func decodeGenericSubstitutions() throws -> [Any.Type] {
        try envelope.genericSubstitutions.map { name in
            guard let type = _typeByName(name) else { throw ActorSystemError(.badInvocation, "unknown type \(name)") }
            return type
        }
    }

    public mutating func decodeNextArgument<Argument: Codable>() throws -> Argument {
        guard nextArgument < envelope.arguments.count else {
            throw ActorSystemError(.badInvocation, "call to \(envelope.target) has too few arguments")
        }
        defer { nextArgument += 1 }
        return try decoder.decode(Argument.self, from: envelope.arguments[nextArgument])
    }

    public mutating func decodeErrorType() throws -> Any.Type? { nil }

    public mutating func decodeReturnType() throws -> Any.Type? { nil }
}

/// Captures what a locally executed distributed call returned, encoded for the reply.
public final class WaymarkResultHandler: DistributedTargetInvocationResultHandler, @unchecked Sendable {
    public typealias SerializationRequirement = Codable

    /// The encoded return value, or the error thrown. Written once by the runtime before `execute` returns.
    public private(set) var result: Result<Data, any Error> = .success(Data())

    public init() {}

    public func onReturn<Success: Codable>(value: Success) async throws {
        result = .success(try JSONEncoder().encode(value))
    }

    public func onReturnVoid() async throws {
        result = .success(Data())
    }

    public func onThrow<Err: Error>(error: Err) async throws {
        result = .failure(error)
    }
}
