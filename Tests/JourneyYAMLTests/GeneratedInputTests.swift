import Foundation
import JourneyModel
import JourneyYAML
import Testing

/// Inputs that are not journeys at all: binary, wrongly encoded, huge, absurdly
/// nested, not a regular file. They are made at run time in a scratch folder (a
/// 50 MB file does not belong in git) as `generated/NAME.yaml`, and their output
/// is compared with `Fixtures/generated/NAME.expected`.
@Suite struct GeneratedInputTests {
    enum Input: String, CaseIterable, CustomTestStringConvertible {
        case binaryFile = "binary-file"
        case notUTF8 = "not-utf8"
        case fileTooLarge = "file-too-large"
        case tooDeeplyNested = "too-deeply-nested"
        case tooDeeplyNestedBlock = "too-deeply-nested-block"
        case tooDeeplyNestedList = "too-deeply-nested-list"
        case unreadableFile = "unreadable-file"

        var testDescription: String { rawValue }
        var relativePath: String { "generated/\(rawValue).yaml" }

        /// Writes the input into `scratch`.
        func make(in scratch: ScratchDirectory) throws {
            let header = "journey: generated\nentry:\n  event: signup\n"
            switch self {
            case .binaryFile:
                // A PNG signature and a few chunk bytes: what a mis-saved image looks like.
                try scratch.write(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52]), to: relativePath)
            case .notUTF8:
                // "Café" saved as Latin-1: é is the single byte 0xE9.
                try scratch.write(Data(header.utf8) + Data("name: Caf".utf8) + Data([0xE9]) + Data("\n".utf8), to: relativePath)
            case .fileTooLarge:
                // 50 MB of nothing but nesting.
                try scratch.write(Data(header.utf8) + Data("steps: ".utf8) + Data(repeating: UInt8(ascii: "["), count: 50 << 20), to: relativePath)
            case .tooDeeplyNested:
                try scratch.write(Data(header.utf8) + Data("steps: ".utf8) + Data(repeating: UInt8(ascii: "{"), count: 100_000), to: relativePath)
            case .tooDeeplyNestedBlock:
                // Maps nested by indentation, one more space each level.
                var text = header + "steps:\n"
                for level in 0..<1_000 { text += String(repeating: " ", count: level + 1) + "k\(level):\n" }
                try scratch.write(Data(text.utf8), to: relativePath)
            case .tooDeeplyNestedList:
                // Lists nested on one line: `- - - - …`.
                try scratch.write(Data(header.utf8) + Data("steps:\n".utf8) + Data(String(repeating: "- ", count: 100_000).utf8) + Data("x\n".utf8), to: relativePath)
            case .unreadableFile:
                // A named pipe: reading it would wait for a writer forever.
                try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("generated"), withIntermediateDirectories: true)
                #expect(mkfifo(scratch.url.appendingPathComponent(relativePath).path, 0o644) == 0)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: Input.allCases)
    func diagnosticsMatchTheGolden(_ input: Input) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try input.make(in: scratch)
        let result = Fixtures.validate([input.relativePath], in: scratch.url)
        #expect(result.errorCount == 1)
        Golden.check(DiagnosticReport.text(result), against: Fixtures.url("generated/\(input.rawValue).expected"))
    }

    /// Nesting hidden where a rough scan might not look (after an apostrophe in a
    /// plain scalar, after `#` inside a word, under complex keys) is still refused
    /// or read safely: the process must neither crash nor hang. No golden: what
    /// matters is a prompt error.
    @Test(.timeLimit(.minutes(1)), arguments: [
        ("apostrophe", "description: don't\nsteps: " + String(repeating: "[", count: 200_000)),
        ("hash-in-flow", "steps: [a#b, " + String(repeating: "[", count: 200_000)),
        ("complex-keys", "steps:\n" + String(repeating: "? ", count: 200_000) + "x\n"),
        ("escaped-quote", "name: \"a\\\"b\"\nsteps: " + String(repeating: "[", count: 200_000)),
        ("deep-but-closed", "steps: " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)),
    ])
    func hiddenNestingIsRefusedQuickly(_ name: String, _ body: String) throws {
        let text = "journey: hostile\nentry:\n  event: signup\n" + body
        let parsed = JourneyFileParser.parse(data: Data(text.utf8), file: "\(name).yaml")
        #expect(parsed.hasErrors, "\(name)")
        #expect(parsed.definition == nil)
    }

    /// Nesting just inside the limits (64 brackets, 500 levels of indentation) is read,
    /// not refused, and reading it neither crashes nor takes long.
    @Test(.timeLimit(.minutes(1)), arguments: [
        ("brackets", "      data: { deep: " + String(repeating: "[", count: 60) + "1" + String(repeating: "]", count: 60) + " }\n"),
        ("indentation", "      data:\n" + (0..<500).map { String(repeating: " ", count: $0 + 8) + "k\($0):\n" }.joined() + String(repeating: " ", count: 509) + "end: 1\n"),
    ])
    func nestingWithinTheLimitsIsRead(_ name: String, _ data: String) throws {
        let text = "journey: deep\nentry:\n  event: signup\nsteps:\n  - id: welcome\n    send:\n      channel: email\n      message: hi\n" + data
        let parsed = JourneyFileParser.parse(data: Data(text.utf8), file: "\(name).yaml")
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics)")
        #expect(parsed.definition != nil)
    }
}
