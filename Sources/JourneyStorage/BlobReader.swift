import Foundation
import JourneyModel
import JourneyRuntime

/// Reads the documents ``BlobWriter`` writes without `JSONDecoder`: the outbox relay reads
/// every message it delivers, and decoding one (its profile included) through Foundation
/// cost more of a node's time than rendering and sending it.
///
/// It reads the JSON into a ``JSONValue`` with ``JSONScanner`` and takes the fields by the
/// keys of the synthesized `Codable` conformances, with their rules: an optional that is
/// absent or `null` is nil, a `JSONValue` that is `null` is `.null`, dates are seconds since
/// 1970. Anything else it does not expect makes it give up (nil), and ``BlobCoder`` decodes
/// the blob with `JSONDecoder` instead, so a blob written in another shape still reads.
struct BlobReader {
    private let fields: [String: JSONValue]

    private init(_ fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// The top-level object of `data`, or nil when it is not valid JSON or not an object.
    init?(_ data: Data) {
        let parsed = data.withUnsafeBytes { raw in try? JSONScanner.parse(raw.bindMemory(to: UInt8.self)) }
        guard case .object(let fields)? = parsed else { return nil }
        self.fields = fields
    }

    /// Why the fast path gave up; never shown (the `JSONDecoder` path reports the blob's errors).
    struct Unexpected: Error {}

    func string(_ key: String) throws -> String {
        guard case .string(let text)? = fields[key] else { throw Unexpected() }
        return text
    }

    func optionalString(_ key: String) throws -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw Unexpected()
        }
    }

    func integer(_ key: String) throws -> Int {
        guard case .number(let number)? = fields[key], let value = Int(exactly: number) else { throw Unexpected() }
        return value
    }

    func date(_ key: String) throws -> Date {
        guard case .number(let seconds)? = fields[key] else { throw Unexpected() }
        return Date(timeIntervalSince1970: seconds)
    }

    func optionalDate(_ key: String) throws -> Date? {
        switch fields[key] {
        case nil, .null?: return nil
        default: return try date(key)
        }
    }

    /// A `JSONValue` field: `null` is `.null`; absent is an error, as for any required field.
    func json(_ key: String) throws -> JSONValue {
        guard let value = fields[key] else { throw Unexpected() }
        return value
    }

    /// An optional `JSONValue` field: absent and `null` are both nil, as `decodeIfPresent` reads them.
    func optionalJSON(_ key: String) -> JSONValue? {
        guard let value = fields[key], !value.isNull else { return nil }
        return value
    }

    /// A nested document, or nil when absent or `null`.
    func optionalObject(_ key: String) throws -> BlobReader? {
        switch fields[key] {
        case nil, .null?: return nil
        case .object(let nested)?: return BlobReader(nested)
        default: throw Unexpected()
        }
    }

    func object(_ key: String) throws -> BlobReader {
        guard let nested = try optionalObject(key) else { throw Unexpected() }
        return nested
    }

    /// An object of strings (`[String: String]`).
    func strings(_ key: String) throws -> [String: String] {
        guard case .object(let members)? = fields[key] else { throw Unexpected() }
        return try members.mapValues { value in
            guard case .string(let text) = value else { throw Unexpected() }
            return text
        }
    }

    /// The only key of an enum case's object (synthesized `Codable` writes `{"case":{…}}`).
    var soleKey: String? { fields.count == 1 ? fields.keys.first : nil }
}
