import Foundation
import JourneyModel

/// Turning cells into values: a cell that reads as a JSON number is a number, anything else is text.
enum CellValues {
    /// The number a cell spells in JSON's grammar (`-12`, `3.5`, `1e6`), or nil: see ``JSONScanner/number(_:)``.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        JSONScanner.number(bytes)
    }

    static func number(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { number($0) }
    }

    /// The value of a non-empty cell. Spaces and tabs around a number are not part of it
    /// (` 12 ` is 12, as spreadsheet exports and hand-written logs mean it); text keeps them.
    static func value(_ bytes: UnsafeBufferPointer<UInt8>, text: () -> String) -> JSONValue {
        if let number = number(trimmingBlanks(bytes)) { return .number(number) }
        return .string(text())
    }

    /// `bytes` without the spaces and tabs at either end.
    static func trimmingBlanks(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        var start = 0
        var end = bytes.count
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    static let timeHelp = "expected ISO 8601 (`2024-03-13T11:23:32Z`, with or without an offset), `YYYY-MM-DD HH:MM:SS` (optionally followed by ` UTC`) or `YYYY-MM-DD`"
}
