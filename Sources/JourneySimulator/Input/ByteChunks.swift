import CZlib
import Foundation
import JourneyModel

/// Reads a file as a stream of byte chunks, inflating it on the way when its
/// name ends in `.gz`, so that a large log is never held in memory at once.
final class ByteChunks {
    private let handle: FileHandle
    private let path: String
    private var inflater: GzipInflater?
    private var finished = false
    static let chunkSize = 1 << 20

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Diagnostic.error("no-such-file", "cannot open `\(path)` for reading", at: SourceLocation(file: path, line: 1, column: 1))
        }
        self.handle = handle
        self.path = path
        if path.hasSuffix(".gz") { inflater = try GzipInflater(path: path) }
    }

    deinit {
        try? handle.close()
    }

    /// Appends the next chunk to `buffer`; false once the file is exhausted.
    func read(into buffer: inout [UInt8]) throws -> Bool {
        while !finished {
            let data = try handle.read(upToCount: Self.chunkSize) ?? Data()
            guard let inflater else {
                if data.isEmpty {
                    finished = true
                    return false
                }
                buffer.append(contentsOf: data)
                return true
            }
            let before = buffer.count
            if data.isEmpty {
                try inflater.finish()
                finished = true
                return false
            }
            try inflater.inflate(data, into: &buffer)
            if buffer.count > before { return true }
        }
        return false
    }
}

/// zlib's inflate with automatic gzip/zlib header detection (window bits 15 + 32),
/// fed one compressed chunk at a time. Concatenated gzip members are read one after another.
final class GzipInflater {
    private var stream = z_stream()
    private let path: String
    private var atMemberEnd = false
    private var sawInput = false

    init(path: String) throws {
        self.path = path
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Self.failure(path, "cannot start gzip decompression (zlib status \(status))") }
    }

    deinit {
        inflateEnd(&stream)
    }

    func inflate(_ data: Data, into buffer: inout [UInt8]) throws {
        sawInput = true
        var output = [UInt8](repeating: 0, count: 1 << 18)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.bindMemory(to: Bytef.self).baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(raw.count)
            var outputFull = false
            // Keep going while input remains, and while the last call filled the output (more may be pending).
            while stream.avail_in > 0 || outputFull {
                if atMemberEnd {
                    guard stream.avail_in > 0 else { break }
                    // Another gzip member follows the one that ended.
                    guard inflateReset(&stream) == Z_OK else { throw Self.failure(path, "cannot read the next gzip member") }
                    atMemberEnd = false
                }
                let produced = try output.withUnsafeMutableBufferPointer { out -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    switch status {
                    case Z_OK, Z_BUF_ERROR: break
                    case Z_STREAM_END: atMemberEnd = true
                    default:
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                        throw Self.failure(path, "not a valid gzip file: \(message)")
                    }
                    return out.count - Int(stream.avail_out)
                }
                buffer.append(contentsOf: output[0..<produced])
                outputFull = produced == output.count
                if produced == 0 && !atMemberEnd && stream.avail_in > 0 {
                    throw Self.failure(path, "not a valid gzip file: no progress decompressing")
                }
            }
        }
    }

    /// At the end of the input: the last member must have ended.
    func finish() throws {
        guard sawInput else { throw Self.failure(path, "the file is empty, expected gzip data") }
        guard atMemberEnd else { throw Self.failure(path, "the gzip data ends early (truncated file?)") }
    }

    private static func failure(_ path: String, _ message: String) -> Diagnostic {
        .error("bad-gzip", message, at: SourceLocation(file: path, line: 1, column: 1))
    }
}
