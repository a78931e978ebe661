import ChildProcessSupport
import Foundation

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct TempDirectory {
    let path: String

    init() throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("waymark-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Writes `text` gzip-compressed (with the system's gzip) to `name`.
    @discardableResult
    func writeGzip(_ name: String, _ text: String) async throws -> String {
        let plain = try write(name + ".tmp", text)
        let gzip = try ChildProcess(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "gzip -c '\(plain)' > '\(file(name))' && rm '\(plain)'"])
        let ending = try await gzip.termination(timeout: .seconds(30))
        guard ending == .success else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file(name), NSLocalizedDescriptionKey: "gzip ended with \(ending): \(gzip.standardError)"])
        }
        return file(name)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
