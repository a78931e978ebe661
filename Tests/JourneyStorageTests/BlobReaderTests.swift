import Foundation
import JourneyModel
@testable import JourneyRuntime
import Testing

@testable import JourneyStorage

/// ``BlobReader`` replaces `JSONDecoder` for outbox messages: for every blob, whether
/// ``BlobWriter`` or `JSONEncoder` wrote it, it must give the very value `JSONDecoder` gives.
@Suite("BlobReader")
struct BlobReaderTests {
    static func messages() -> [OutboundMessage] {
        let full = BlobWriterTests.fullMessage()
        var bare = full
        bare.enteredAt = nil
        bare.template = nil
        bare.message = nil
        bare.data = nil
        bare.event = nil
        bare.variant = nil
        // `data: null` reads back as no data, and `properties: null` as `.null`, as `JSONDecoder` reads them.
        var nulls = full
        nulls.data = .null
        nulls.event = EventContext(name: "e", time: Date(timeIntervalSince1970: -1.5), properties: .null)
        nulls.profile = .null
        var messages = [full, bare, nulls]
        let bodies: [Webhook.Body?] = [.template("{\"id\": \"{{customer_id}}\"}"), .json(.object(["id": "{{customer_id}}", "n": .array([1, .null])])), .json(.null), nil]
        for body in bodies {
            var message = bare
            message.kind = .webhook
            message.channel = "webhook"
            message.webhook = Webhook(url: "http://127.0.0.1/hook?a=1&b=\"2\"", method: "PUT", headers: ["X-Key": "v", "X-Other": "w\n汉字"], body: body)
            messages.append(message)
        }
        return messages
    }

    static func blobs(of message: OutboundMessage) throws -> [Data] {
        var writer = BlobWriter()
        writer.write(message)
        return [writer.data, try BlobWriterTests.encoder().encode(message)]
    }

    @Test("every message reads as JSONDecoder reads it, whoever wrote the blob")
    func messagesReadAsJSONDecoderReadsThem() throws {
        for message in Self.messages() {
            for blob in try Self.blobs(of: message) {
                let reference = try BlobWriterTests.decoder().decode(OutboundMessage.self, from: blob)
                let fast = try #require(try BlobReader(blob)?.message(), "\(String(decoding: blob, as: UTF8.self))")
                #expect(fast == reference)
                // Equal is not enough for numbers: -0.0 == 0. The printed forms keep the sign.
                #expect(fast.profile.description == reference.profile.description)
                #expect(try BlobCoder().decode(OutboundMessage.self, from: blob, as: "outbox message", key: "k") == reference)
            }
        }
    }

    @Test("a blob the reader does not expect still reads, through JSONDecoder")
    func unexpectedBlobsFallBack() throws {
        // Nested deeper than the scanner goes (JSONDecoder allows more).
        var deep: JSONValue = .string("bottom")
        for _ in 0..<100 { deep = .array([deep]) }
        var message = Self.messages()[1]
        message.data = deep
        let blob = try Self.blobs(of: message)[0]
        #expect(BlobReader(blob) == nil)
        #expect(try BlobCoder().decode(OutboundMessage.self, from: blob, as: "outbox message", key: "k") == message)

        // A field of the wrong kind: the reader gives up and JSONDecoder names the problem.
        let wrong = Data(String(decoding: try Self.blobs(of: Self.messages()[1])[0], as: UTF8.self)
            .replacingOccurrences(of: "\"version\":3", with: "\"version\":\"3\"").utf8)
        #expect(throws: BlobReader.Unexpected.self) { try BlobReader(wrong)?.message() }
        let error = try #require(throws: StorageError.self) { try BlobCoder().decode(OutboundMessage.self, from: wrong, as: "outbox message", key: "k") }
        #expect(error.code == .unreadableRecord)
    }

    @Test("numbers read exactly as Foundation reads them")
    func numbers() throws {
        let texts = ["0", "-0", "1", "-1", "0.1", "1e-7", "123456789.125", "9007199254740993", "123456789012345678901234567890", "1E+2", "-3e300", "1709000000.123456", "5e-324"]
        for text in texts {
            let fast = try #require(Array(text.utf8).withUnsafeBufferPointer { JSONScanner.number($0) }, "\(text)")
            let reference = try JSONDecoder().decode(Double.self, from: Data(text.utf8))
            #expect(fast.bitPattern == reference.bitPattern, "\(text)")
        }
    }
}
