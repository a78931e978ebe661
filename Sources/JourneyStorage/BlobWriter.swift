import Foundation
import JourneyModel

/// Writes the JSON blobs of the hot rows (snapshots, outbox messages, actions)
/// directly into bytes, without `JSONEncoder`.
///
/// Profiling the commit path showed `JSONEncoder` taking about 90% of the CPU
/// time of `SQLiteShardStore.commit`, SQLite itself a few percent. This writer
/// produces the same document as the synthesized `Codable` conformances with
/// ``BlobCoder``'s settings — the same keys, optionals left out when nil,
/// dates as seconds since 1970 — so every blob still decodes with
/// `JSONDecoder`, and blobs written before and after read back identically.
/// Non-finite numbers, which `JSONEncoder` refuses, set ``unsupported`` so the
/// caller encodes with `JSONEncoder` after all and reports its error.
///
/// The documents (`BlobWriter+Documents.swift`) spell their punctuation and
/// keys as literal text (`,"runs":[`) rather than through closures per field:
/// a second profile showed a closure-per-field writer spending a third of its
/// time retaining and releasing what the closures captured.
struct BlobWriter: ~Copyable {
    /// The blob so far: `count` bytes written of `capacity` allocated. Raw storage
    /// rather than `[UInt8]`, whose every append checks uniqueness and capacity:
    /// the writer appends a few bytes at a time, thousands of times per commit.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// Set when a value needs `JSONEncoder` after all.
    private(set) var unsupported = false

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Room for a typical snapshot, so most blobs are written without growing.
    static let snapshotCapacity = 2048

    var data: Data { Data(bytes: base, count: count) }

    /// Makes room for `extra` more bytes, doubling so appends stay amortized O(1).
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    // MARK: Text

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Appends literal JSON text: punctuation and keys (`,"runs":[`).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func string(_ text: String) {
        byte(UInt8(ascii: "\""))
        // Native strings are contiguous UTF-8 and read in place; only a bridged one is copied.
        if text.utf8.withContiguousStorageIfAvailable({ escaped($0) }) == nil {
            var copy = text
            copy.withUTF8 { escaped($0) }
        }
        byte(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 text with JSON's escapes. Eight bytes at a time are checked
    /// for a byte needing one (below 0x20, `"` or `\`); most strings have none.
    private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        let length = utf8.count
        var start = 0
        var index = 0
        let raw = UnsafeRawBufferPointer(utf8)
        while index + 8 <= length {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if !Self.needsEscape(word) {
                index += 8
                continue
            }
            for offset in index..<index + 8 where Self.needsEscape(utf8[offset]) {
                append(UnsafeBufferPointer(rebasing: utf8[start..<offset]))
                escape(utf8[offset])
                start = offset + 1
            }
            index += 8
        }
        for offset in index..<length where Self.needsEscape(utf8[offset]) {
            append(UnsafeBufferPointer(rebasing: utf8[start..<offset]))
            escape(utf8[offset])
            start = offset + 1
        }
        append(UnsafeBufferPointer(rebasing: utf8[start...]))
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether any of the eight bytes is below 0x20, `"` or `\` (exact, by the
    /// zero-byte test `(v - 0x01…) & ~v & 0x80…` on `v`, `v ^ "…` and `v ^ \…`).
    @inline(__always)
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let quotes = (quote &- ones) & ~quote & highs
        let backslashes = (backslash &- ones) & ~backslash & highs
        return (below | quotes | backslashes) != 0
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        default:
            raw("\\u00")
            self.byte(Self.hexDigit(byte >> 4))
            self.byte(Self.hexDigit(byte & 0xF))
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    // MARK: Numbers

    mutating func number(_ value: Double) {
        guard value.isFinite else {
            unsupported = true
            byte(UInt8(ascii: "0"))
            return
        }
        if value == value.rounded(), abs(value) < 9.0e15 {
            integer(Int64(value))
        } else {
            // The shortest text that reads back as exactly this Double.
            var text = value.description
            text.withUTF8 { append($0) }
        }
    }

    mutating func integer(_ value: Int64) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            unsigned(value.magnitude)
        } else {
            unsigned(UInt64(value))
        }
    }

    mutating func integer(_ value: Int) { integer(Int64(value)) }

    /// Decimal digits, written from the last into room made for all of them.
    mutating func unsigned(_ value: UInt64) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        reserve(digits)
        count += digits
        var index = count
        rest = value
        repeat {
            index -= 1
            base[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while rest > 0
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    mutating func date(_ date: Date) { number(date.timeIntervalSince1970) }

    // MARK: Structure

    mutating func json(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): bool(flag)
        case .number(let value): number(value)
        case .string(let text): string(text)
        case .array(let items): array(items) { $0.json($1) }
        case .object(let members): object(members) { $0.json($1) }
        }
    }

    /// `[…]`, each element written by `element`.
    mutating func array<Items: Collection>(_ items: Items, _ element: (inout BlobWriter, Items.Element) -> Void) {
        byte(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            element(&self, item)
        }
        byte(UInt8(ascii: "]"))
    }

    /// `{…}` from a dictionary keyed by strings, each value written by `member`.
    /// Read through indices: the values are borrowed in place rather than copied
    /// out by an iterator, which saves a retain and a release per member.
    mutating func object<Value>(_ members: [String: Value], _ member: (inout BlobWriter, Value) -> Void) {
        byte(UInt8(ascii: "{"))
        var index = members.startIndex
        let end = members.endIndex
        var first = true
        while index != end {
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            string(members.keys[index])
            byte(UInt8(ascii: ":"))
            member(&self, members.values[index])
            members.formIndex(after: &index)
        }
        byte(UInt8(ascii: "}"))
    }
}
