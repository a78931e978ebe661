import Foundation
import Synchronization

/// Minimal HTTP/1.1 over loopback sockets, blocking, a thread per connection:
/// a webhook sink that answers 200 to everything, and a keep-alive client.
/// Only 127.0.0.1 is ever bound or connected to.
enum Loopback {
    static func listen() throws -> (socket: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, Glibc.listen(fd, 512) == 0 else { throw BenchFailure("cannot listen on 127.0.0.1") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A free port on 127.0.0.1 (bound once, then released).
    static func freePort() throws -> Int {
        let (fd, port) = try listen()
        close(fd)
        return port
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard result == 0 else {
            close(fd)
            throw BenchFailure("cannot connect to 127.0.0.1:\(port)")
        }
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Writes to a socket without SIGPIPE: a peer that went away (the node stopped while the
    /// NODE_TRACE poller or the sink still held a connection) is a failed write, not the end
    /// of the benchmark process before it printed its figures.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Reads one HTTP message (head and Content-Length body) from `fd`, keeping leftovers in `buffer`.
    static func readMessage(_ fd: Int32, _ buffer: inout [UInt8]) -> (head: String, body: [UInt8])? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let end = headEnd(buffer) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                var length = 0
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
                let total = end + 4 + length
                if buffer.count >= total {
                    let body = Array(buffer[(end + 4)..<total])
                    buffer.removeFirst(total)
                    return (head, body)
                }
            }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    static func headEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    static func nowNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

/// The webhook receiver: counts deliveries and records, for every delivery
/// whose body carries `"t":"<ns>"`, the time since that instant.
final class Sink: @unchecked Sendable {
    struct State {
        var delivered = 0
        /// (intended send time, arrival time) of each recorded delivery, in nanoseconds.
        var arrivals: [(sent: UInt64, arrived: UInt64)] = []
        var recording = false
    }

    let state = Mutex(State())
    let port: Int
    private let listener: Int32

    init() throws {
        (listener, port) = try Loopback.listen()
        let listener = listener
        Thread.detachNewThread { [self] in
            while true {
                let fd = accept(listener, nil, nil)
                if fd < 0 { return }
                Thread.detachNewThread { self.serve(fd) }
            }
        }
    }

    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
        while let (head, body) = Loopback.readMessage(fd, &buffer) {
            if ProcessInfo.processInfo.environment["SINK_DEBUG"] == "1", !head.lowercased().contains("content-length") || head.lowercased().contains("chunked") {
                FileHandle.standardError.write(Data("[sink] odd request head: \(head.prefix(300))\n".utf8))
            }
            let now = Loopback.nowNanoseconds()
            let sent = Self.sentTime(body)
            state.withLock { state in
                state.delivered += 1
                if state.recording, let sent, sent > 0, now > sent {
                    state.arrivals.append((sent, now))
                    if ProcessInfo.processInfo.environment["SINK_DEBUG"] == "1", now - sent > 5_000_000_000 {
                        FileHandle.standardError.write(Data("[sink] late by \((now - sent) / 1_000_000) ms on fd \(fd): \(String(decoding: body.prefix(120), as: UTF8.self))\n".utf8))
                    }
                }
            }
            if !Loopback.writeAll(fd, reply) { break }
        }
        close(fd)
    }

    /// The digits after `"t":"` in the body.
    static func sentTime(_ body: [UInt8]) -> UInt64? {
        let marker = Array("\"t\":\"".utf8)
        guard body.count > marker.count else { return nil }
        for index in 0...(body.count - marker.count) where body[index] == marker[0] && Array(body[index..<(index + marker.count)]) == marker {
            var value: UInt64 = 0
            var position = index + marker.count
            while position < body.count, body[position] >= 48, body[position] <= 57 {
                value = value * 10 + UInt64(body[position] - 48)
                position += 1
            }
            return value
        }
        return nil
    }

    var delivered: Int { state.withLock { $0.delivered } }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A keep-alive HTTP client connection.
final class Connection {
    let fd: Int32
    var buffer: [UInt8] = []

    init(port: Int) throws { fd = try Loopback.connect(port: port) }
    deinit { close(fd) }

    /// GETs `path` and returns the body text.
    func get(_ path: String) -> String? {
        let message = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard Loopback.writeAll(fd, message), let (_, body) = Loopback.readMessage(fd, &buffer) else { return nil }
        return String(decoding: body, as: UTF8.self)
    }

    /// Sends a request and returns the status code of the answer.
    func request(_ method: String, _ path: String, body: [UInt8] = []) -> Int? {
        var message = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        message += body
        guard Loopback.writeAll(fd, message), let (head, _) = Loopback.readMessage(fd, &buffer) else { return nil }
        let parts = head.split(separator: " ", maxSplits: 2)
        return parts.count > 1 ? Int(parts[1]) : nil
    }
}
