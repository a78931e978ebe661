import Foundation
import JourneyRuntime

/// Encodes and decodes the JSON blobs of one transaction.
///
/// One coder is made per transaction and reused for every row in it: creating
/// a `JSONEncoder` per row costs more than the encoding of a small snapshot.
/// Dates are seconds since 1970 as doubles, the same representation as the
/// REAL time columns, so a value read from a column and the same value read
/// from a blob compare equal.
struct BlobCoder {
    private let encoder: JSONEncoder
    private let decoder: JSONDecoder

    init() {
        encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
    }

    /// Encodes `value`, naming what it is (`snapshot`, `outbox message`) and its key if it fails.
    func encode<Value: Encodable>(_ value: Value, as what: String, key: String) throws -> Data {
        do {
            return try encoder.encode(value)
        } catch {
            throw StorageError(
                code: .encodingFailed, message: "cannot encode the \(what) \(key)",
                context: StorageError.Context(record: key), cause: error)
        }
    }

    /// A snapshot, written by ``BlobWriter`` (the same JSON, without `JSONEncoder`'s cost).
    func encode(_ state: CustomerState, as what: String, key: String) throws -> Data {
        try encode(state, as: what, key: key) { $0.write($1) }
    }

    func encode(_ message: OutboundMessage, as what: String, key: String) throws -> Data {
        try encode(message, as: what, key: key) { $0.write($1) }
    }

    func encode(_ action: ActionRecord, as what: String, key: String) throws -> Data {
        try encode(action, as: what, key: key) { $0.write($1) }
    }

    /// An inbox input, written on every accepted event: `JSONEncoder` took a fifth of a node's CPU under batched ingest.
    func encode(_ payload: InboxInput.Payload, as what: String, key: String) throws -> Data {
        try encode(payload, as: what, key: key, capacity: 256) { $0.write($1) }
    }

    /// `value` written by `write` into a ``BlobWriter``; through `JSONEncoder` after all when the
    /// writer met something it does not write (a non-finite number), so that the error is `JSONEncoder`'s.
    private func encode<Value: Encodable>(
        _ value: Value, as what: String, key: String, capacity: Int = BlobWriter.snapshotCapacity,
        _ write: (inout BlobWriter, Value) -> Void
    ) throws -> Data {
        var writer = BlobWriter(capacity: capacity)
        write(&writer, value)
        return writer.unsupported ? try encode(Encoded(value), as: what, key: key) : writer.data
    }

    /// An outbox message, read by ``BlobReader`` (`JSONDecoder` only for a blob it does not expect).
    func decode(_ type: OutboundMessage.Type, from data: Data, as what: String, key: String) throws -> OutboundMessage {
        if let message = try? BlobReader(data)?.message() { return message }
        return try decode(type, from: data, as: what, key: key, code: .unreadableRecord)
    }

    /// A customer's snapshot, read by ``SnapshotReader`` (`JSONDecoder` only for a blob it does
    /// not expect); one that does not decode at all is ``StorageError/Code/unreadableSnapshot``.
    func snapshot(from data: Data, key: String) throws -> CustomerState {
        if let state = SnapshotReader.state(data) { return state }
        return try decode(CustomerState.self, from: data, as: "snapshot of customer", key: key, code: .unreadableSnapshot)
    }

    /// Decodes a stored blob; a failure names the row and uses `code` (snapshots have their own).
    func decode<Value: Decodable>(
        _ type: Value.Type, from data: Data, as what: String, key: String,
        code: StorageError.Code = .unreadableRecord
    ) throws -> Value {
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw StorageError(
                code: code, message: "the stored \(what) \(key) does not decode",
                context: StorageError.Context(record: key), cause: error)
        }
    }
}

/// Routes a value to the generic, `JSONEncoder` path of ``BlobCoder/encode(_:as:key:)``.
private struct Encoded<Value: Encodable>: Encodable {
    let value: Value
    init(_ value: Value) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// Time columns hold seconds since 1970 as REAL, readable by any SQLite tool and
/// comparable in SQL (`next_attempt_at <= ?`). GRDB's default `Date` storage is a
/// text format, so the conversion is explicit and in one place.
extension Date {
    var storedSeconds: Double { timeIntervalSince1970 }

    init(storedSeconds: Double) {
        self.init(timeIntervalSince1970: storedSeconds)
    }
}
