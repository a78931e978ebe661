import Hummingbird

/// Bearer-token auth for `/v1`: ingest tokens may only send events and
/// profiles, admin tokens may do everything. Without any token configured the
/// middleware lets everything through (the node then binds to loopback only).
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let auth: NodeConfiguration.Auth

    /// The calls an ingest token may make: what a website or an app backend needs, nothing that reads or changes journeys.
    static func isIngestCall(_ request: Request) -> Bool {
        guard request.method == .post else { return false }
        return request.routePath == "/v1/events" || request.routePath == "/v1/profiles"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard auth.isEnabled else { return try await next(request, context) }
        // The scheme is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are `Bearer`.
        guard let header = request.headers[.authorization], header.prefix("Bearer ".count).lowercased() == "bearer " else {
            throw APIError(.unauthorized, "unauthorized", "send `Authorization: Bearer <token>`", field: "Authorization")
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        if Self.contains(auth.adminTokens, token) {
            return try await next(request, context)
        }
        guard Self.contains(auth.ingestTokens, token) else {
            throw APIError(.unauthorized, "unauthorized", "the bearer token is not valid", field: "Authorization")
        }
        guard Self.isIngestCall(request) else {
            throw APIError(.forbidden, "forbidden", "an ingest token may only POST /v1/events and /v1/profiles", field: "Authorization")
        }
        return try await next(request, context)
    }

    /// Compares every byte of every candidate, so response times do not reveal how much of a token matched.
    static func contains(_ tokens: [String], _ token: String) -> Bool {
        var found = false
        let given = Array(token.utf8)
        for candidate in tokens {
            let expected = Array(candidate.utf8)
            var difference = UInt8(expected.count == given.count ? 0 : 1)
            for index in expected.indices {
                difference |= expected[index] ^ (index < given.count ? given[index] : 0)
            }
            if difference == 0 { found = true }
        }
        return found
    }
}
