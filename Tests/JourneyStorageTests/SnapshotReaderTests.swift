import Foundation
import JourneyModel
@testable import JourneyRuntime
import Testing

@testable import JourneyStorage

/// ``SnapshotReader`` replaces `JSONDecoder` for snapshots: for every blob, whether
/// ``BlobWriter`` or `JSONEncoder` wrote it, it must give the very state `JSONDecoder`
/// gives, timer tokens of 2⁶³ and above included, or give up and leave it to `JSONDecoder`.
@Suite("SnapshotReader")
struct SnapshotReaderTests {
    static func states() -> [CustomerState] {
        let full = BlobWriterTests.state()
        var topTokens = full
        topTokens.lastTimerToken = UInt64.max
        topTokens.segmentChecks = ["win-back": UInt64(1) << 63 | 5, "lapsed": UInt64(Int64.max) + 1]
        topTokens.runs[1].waiting = Waiting(reason: .quietHours, token: UInt64(1) << 63 | 9_007_199_254_740_993, deadline: Date(timeIntervalSince1970: -0.5))
        var bare = CustomerState(customerID: "")
        bare.profile = Profile()
        var optionalsLeftOut = full
        optionalsLeftOut.runs = optionalsLeftOut.runs.map { run in
            var run = run
            (run.variant, run.waiting, run.event, run.lastSend) = (nil, nil, nil, nil)
            return run
        }
        optionalsLeftOut.history = ["cart": JourneyHistory(runCount: 0, lastEndedAt: nil, sendTimes: [])]
        optionalsLeftOut.segmentCheckTimes = ["win-back": SegmentRecheck(due: Date(timeIntervalSince1970: 1), interval: -3, firedAt: Date(timeIntervalSince1970: 2))]
        return [full, topTokens, bare, optionalsLeftOut]
    }

    static func blobs(of state: CustomerState) throws -> [Data] {
        var writer = BlobWriter()
        writer.write(state)
        return [writer.data, try BlobWriterTests.encoder().encode(state)]
    }

    @Test("every snapshot reads as JSONDecoder reads it, whoever wrote the blob")
    func snapshotsReadAsJSONDecoderReadsThem() throws {
        for state in Self.states() {
            for blob in try Self.blobs(of: state) {
                let reference = try BlobWriterTests.decoder().decode(CustomerState.self, from: blob)
                let fast = try #require(SnapshotReader.state(blob), "\(String(decoding: blob, as: UTF8.self))")
                #expect(fast == reference)
                #expect(fast == state)
                // Equal is not enough for numbers: -0.0 == 0. The printed forms keep the sign.
                #expect(fast.profile.json.description == reference.profile.json.description)
                #expect(try BlobCoder().snapshot(from: blob, key: "k") == reference)
            }
        }
    }

    @Test("timer tokens of 2^63 and above come back exactly, where a Double would round them")
    func topBitTokensAreExact() throws {
        let state = Self.states()[1]
        let fast = try #require(SnapshotReader.state(try Self.blobs(of: state)[0]))
        #expect(fast.lastTimerToken == UInt64.max)
        #expect(fast.segmentChecks["win-back"] == UInt64(1) << 63 | 5)
        #expect(fast.runs[1].waiting?.token == UInt64(1) << 63 | 9_007_199_254_740_993)
    }

    @Test("nulls, unknown keys and a snapshot from before recheck times read as JSONDecoder reads them")
    func nullsAndUnknownKeys() throws {
        let text = """
            { "customerID" : "c1", "future": {"x": [1, 2]}, "profile": {"attributes": {"a": null, "b": -0}, "extra": true},
              "runs": [{"journeyID": "j", "version": 1, "number": 2, "stepID": "s", "enteredAt": 1.5, "variant": null,
                        "visits": {}, "waiting": null, "event": {"name": "e", "time": 2, "properties": null}, "lastSend": null,
                        "converted": false}],
              "history": {"j": {"runCount": 1, "lastEndedAt": null, "sendTimes": [3, 4.25]}},
              "lastTimerToken": 18446744073709551615, "segmentChecks": {"j": 9223372036854775808} }
            """
        let blob = Data(text.utf8)
        let reference = try BlobWriterTests.decoder().decode(CustomerState.self, from: blob)
        let fast = try #require(SnapshotReader.state(blob))
        #expect(fast == reference)
        #expect(fast.segmentCheckTimes.isEmpty)
        #expect(fast.profile.json.description == reference.profile.json.description)
        let withNullTimes = Data(text.replacingOccurrences(of: "\"segmentChecks\"", with: "\"segmentCheckTimes\": null, \"segmentChecks\"").utf8)
        #expect(SnapshotReader.state(withNullTimes) == reference)
    }

    @Test("a snapshot the reader does not expect is left to JSONDecoder, which reads it or names the problem")
    func unexpectedSnapshotsFallBack() throws {
        let state = Self.states()[0]
        let text = String(decoding: try Self.blobs(of: state)[0], as: UTF8.self)

        // Nested deeper than the scanner goes (JSONDecoder allows more).
        var deep: JSONValue = .string("bottom")
        for _ in 0..<100 { deep = .array([deep]) }
        var deepState = state
        deepState.profile = Profile(attributes: ["deep": deep])
        let deepBlob = try Self.blobs(of: deepState)[0]
        #expect(SnapshotReader.state(deepBlob) == nil)
        #expect(try BlobCoder().snapshot(from: deepBlob, key: "k") == deepState)

        // A whole number written with a fraction, a key given twice: whatever JSONDecoder makes of them.
        for odd in [
            text.replacingOccurrences(of: "\"version\":3", with: "\"version\":3.0"),
            text.replacingOccurrences(of: "\"lastTimerToken\":", with: "\"lastTimerToken\":1,\"lastTimerToken\":"),
        ] {
            let blob = Data(odd.utf8)
            #expect(SnapshotReader.state(blob) == nil, "\(odd)")
            let reference = Result { try BlobWriterTests.decoder().decode(CustomerState.self, from: blob) }
            let stored = Result { try BlobCoder().snapshot(from: blob, key: "k") }
            #expect((try? stored.get()) == (try? reference.get()))
        }

        // A field of the wrong kind, an unknown wait reason, a negative token: unreadable, as before.
        for wrong in [
            text.replacingOccurrences(of: "\"version\":3", with: "\"version\":\"3\""),
            text.replacingOccurrences(of: "\"reason\":\"event\"", with: "\"reason\":\"sleeping\""),
            text.replacingOccurrences(of: "\"lastTimerToken\":", with: "\"lastTimerToken\":-"),
        ] {
            let blob = Data(wrong.utf8)
            #expect(SnapshotReader.state(blob) == nil, "\(wrong)")
            let error = try #require(throws: StorageError.self) { try BlobCoder().snapshot(from: blob, key: "k") }
            #expect(error.code == .unreadableSnapshot)
        }
    }

    @Test("whole numbers read exactly across 64 bits, and nothing else passes for one",
          arguments: ["0", "7", "-0", "18446744073709551615", "-9223372036854775808", "9007199254740993"])
    func wholeNumbers(_ text: String) throws {
        let read = try Array(text.utf8).withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            return try scanner.readInteger()
        }
        #expect(read.negative == text.hasPrefix("-"))
        #expect(String(read.magnitude) == text.trimmingCharacters(in: CharacterSet(charactersIn: "-")))
    }

    @Test("fractions, exponents, leading zeros and numbers beyond 64 bits are not whole numbers",
          arguments: ["1.0", "1e3", "01", "-", "18446744073709551616", "-9223372036854775809", "\"1\"", "1-"])
    func notWholeNumbers(_ text: String) {
        #expect(throws: JSONScanner.SyntaxError.self) {
            try Array(text.utf8).withUnsafeBufferPointer { bytes in
                var scanner = JSONScanner(bytes)
                _ = try scanner.readInteger()
            }
        }
    }
}
