import Hummingbird
import JourneyEngine
import Logging

/// Turns every error a handler throws into a JSON error response, so that a
/// client always gets `{"error": {...}}` and an unexpected failure is logged
/// once with the request, never crashing the node or leaking internals.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    /// Told of every refused request (a 4xx, or a 503 while not ready or shutting down) with its error code;
    /// it sits outside auth, so refusals by the token are counted as well.
    let rejected: @Sendable (Request, String) -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let refusal: APIError
        do {
            return try await next(request, context)
        } catch let error as APIError {
            refusal = error
        } catch let error as EngineError where error.code == .shuttingDown {
            refusal = .shuttingDown
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            refusal = APIError(error.status, code, error.body ?? error.status.reasonPhrase)
        } catch {
            logger.error("request failed", metadata: ["http.method": "\(request.method)", "http.path": "\(request.uri.path)", "error": "\(error)"])
            return try APIError(.internalServerError, "internal", "the node could not complete the request; it has been logged")
                .response(from: request, context: context)
        }
        // 503s are refusals too (`shutting_down`, `not_ready`): the node turned the request away.
        if refusal.status.code < 500 || refusal.status == .serviceUnavailable { rejected(request, refusal.code) }
        return try refusal.response(from: request, context: context)
    }
}
