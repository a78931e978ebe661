import Hummingbird
import JourneyEngine
import Logging

/// Turns every error a handler throws into a JSON error response, so that a
/// client always gets `{"error": {...}}` and an unexpected failure is logged
/// once with the request, never crashing the node or leaking internals.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let rejected: @Sendable (String) -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            if error.status.code < 500 { rejected(error.code) }
            return try error.response(from: request, context: context)
        } catch let error as EngineError where error.code == .shuttingDown {
            return try APIError.shuttingDown.response(from: request, context: context)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            let api = APIError(error.status, code, error.body ?? error.status.reasonPhrase)
            if error.status.code < 500 { rejected(api.code) }
            return try api.response(from: request, context: context)
        } catch {
            logger.error("request failed", metadata: ["http.method": "\(request.method)", "http.path": "\(request.uri.path)", "error": "\(error)"])
            return try APIError(.internalServerError, "internal", "the node could not complete the request; it has been logged")
                .response(from: request, context: context)
        }
    }
}
