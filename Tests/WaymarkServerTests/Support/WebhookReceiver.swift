import Foundation
import Hummingbird
import Logging
import Synchronization

/// A tiny HTTP server on loopback that stands in for a messaging provider or a
/// CRM: it records every request it receives and can be told to answer the
/// next few with an error, so tests see retries and idempotency keys on the wire.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var path: String
        var method: String
        var idempotencyKey: String?
        var body: String
        var status: Int
    }

    private struct State {
        var received: [Received] = []
        var failuresLeft = 0
        var failureStatus = 500
        var responseBodyBytes = 0
        var waiters: [Int: (predicate: @Sendable ([Received]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())
    let listening = PortSlot()

    /// Answers the next `count` requests with `status` instead of 200.
    func failNext(_ count: Int, status: Int = 500) {
        state.withLock { $0.failuresLeft = count; $0.failureStatus = status }
    }

    /// Answers every request with a body of `bytes` bytes (0: an empty body).
    func answerWithBody(bytes: Int) {
        state.withLock { $0.responseBodyBytes = bytes }
    }

    var received: [Received] { state.withLock { $0.received } }

    /// Requests answered 2xx: what a provider actually accepted.
    var accepted: [Received] { received.filter { (200..<300).contains($0.status) } }

    /// Suspends until the received requests satisfy `predicate`, or `timeout` passes (false then).
    func wait(timeout: Duration = .seconds(30), until predicate: @escaping @Sendable ([Received]) -> Bool) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let done = self.state.withLock { state -> Bool in
                        if predicate(state.received) { return true }
                        state.nextWaiter += 1
                        state.waiters[state.nextWaiter] = (predicate, continuation)
                        return false
                    }
                    if done { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next()!
            if !first { self.releaseAll() }
            group.cancelAll()
            return first
        }
    }

    private func releaseAll() {
        let waiters = state.withLock { state in
            defer { state.waiters = [:] }
            return state.waiters.values.map(\.continuation)
        }
        waiters.forEach { $0.resume() }
    }

    private func record(_ request: Request, body: String) -> Int {
        let (ready, status) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Int) in
            var status = 200
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                status = state.failureStatus
            }
            state.received.append(Received(
                path: request.uri.path, method: "\(request.method)", idempotencyKey: request.headers[.init("Idempotency-Key")!],
                body: body, status: status))
            let received = state.received
            let done = state.waiters.filter { $0.value.predicate(received) }
            for id in done.keys { state.waiters[id] = nil }
            return (done.values.map(\.continuation), status)
        }
        ready.forEach { $0.resume() }
        return status
    }

    /// Runs the server until the surrounding task is cancelled.
    func run() async throws {
        let router = Router()
        // GETs are recorded too: a client that follows a redirect of a POST arrives as a GET.
        let answer: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let status = self.record(request, body: String(buffer: buffer))
            let bytes = self.state.withLock { $0.responseBodyBytes }
            // A 3xx says where the receiver moved, as a real one would.
            let headers: HTTPFields = (300..<400).contains(status) ? [.location: "/moved"] : [:]
            guard bytes > 0 else { return Response(status: HTTPResponse.Status(code: status), headers: headers) }
            return Response(
                status: HTTPResponse.Status(code: status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: bytes)))
        }
        router.on("**", method: .post, use: answer)
        router.on("**", method: .get, use: answer)
        let slot = listening
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { slot.publish($0.localAddress?.port ?? 0) },
            logger: Logger(label: "webhook-receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await app.run()
    }
}
