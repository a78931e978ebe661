import Hummingbird

extension Request {
    /// The path as the router matches it: `/v1/events/` is `/v1/events`. Checks that name a
    /// route (which calls an ingest token may make, which refusals count as events) read this,
    /// so they agree with the router about a trailing slash.
    var routePath: String {
        let path = uri.path
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
