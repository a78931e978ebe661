import Foundation
import JourneyModel
import JourneyRuntime
import Synchronization

/// Appends each delivery as one JSON line to a file. Keys already in the file
/// are skipped, so a delivery repeated after a crash never appears twice.
public final class FileChannelAdapter: ChannelAdapter {
    private struct State {
        var handle: FileHandle
        var keys: Set<String>
    }

    private let state: Mutex<State>
    public let path: String
    /// The profile field written as `address` (the channel's `address_field`), as a webhook channel sends it.
    public let addressField: String?

    public init(path: String, addressField: String? = nil) throws {
        self.path = path
        self.addressField = addressField
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil)
        }
        var keys: Set<String> = []
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in existing.split(separator: "\n") {
            if case .object(let fields) = try? JSONDecoder().decode(JSONValueBox.self, from: Data(line.utf8)).value,
                let key = fields["idempotency_key"]?.stringValue
            {
                keys.insert(key)
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw DeliveryError(retryable: false, "cannot open \(path) for appending")
        }
        handle.seekToEndOfFile()
        state = Mutex(State(handle: handle, keys: keys))
    }

    public func deliver(_ delivery: Delivery) async throws {
        let line = Self.line(for: delivery, addressField: addressField)
        try state.withLock { state in
            guard !state.keys.contains(delivery.idempotencyKey) else { return }
            do {
                try state.handle.write(contentsOf: Data((line + "\n").utf8))
                try state.handle.synchronize()
            } catch {
                throw DeliveryError(retryable: true, "cannot append to \(path): \(error)")
            }
            state.keys.insert(delivery.idempotencyKey)
        }
    }

    /// The JSON line for a delivery: stable key order, UTC times. It carries what a webhook
    /// channel's document does, so the provider's importer knows where to send (`address`).
    public static func line(for delivery: Delivery, addressField: String? = nil) -> String {
        let message = delivery.message
        let address = addressField.map { message.profile[dottedPath: $0] } ?? .null
        let value: JSONValue = .object([
            "idempotency_key": .string(message.idempotencyKey),
            "time": .string(Timestamp.format(message.time)),
            "customer": .string(message.customerID),
            "journey": .string(message.journeyID),
            "version": .number(Double(message.version)),
            "run": .number(Double(message.run)),
            "step": .string(message.stepID),
            "channel": .string(message.channel),
            "template": message.template.map(JSONValue.string) ?? .null,
            "variant": message.variant.map(JSONValue.string) ?? .null,
            "address": address,
            "body": delivery.body.map(JSONValue.string) ?? .null,
            "data": message.data ?? .null,
        ])
        return value.description
    }
}

/// Decodes any JSON into a ``JSONValue``.
struct JSONValueBox: Decodable {
    let value: JSONValue
    init(from decoder: any Decoder) throws { value = try JSONValue(from: decoder) }
}
