import Foundation
import Hummingbird
import JourneyEngine
import JourneyModel
import JourneyRuntime

extension NodeAPI {
    /// `POST /v1/events`: answers 202 once every event is durable in its shard's inbox.
    func ingestEvents(_ request: Request) async throws -> Response {
        let json = try await body.json(of: request)
        let inputs = try payload.events(from: json, acceptedAt: clock.now())
        let results = try await (inputSink ?? engine).ingest(inputs)
        let duplicates = results.count { $0 == .duplicate }
        metrics.eventsAccepted.increment(by: results.count - duplicates)
        metrics.eventsDuplicate.increment(by: duplicates)
        if inputs.count == 1, case .event(let event) = inputs[0].payload {
            logger.debug("event accepted", metadata: ["customer.id": "\(event.customerID)", "event.name": "\(event.name)"])
        }
        return JSONResponse.make(["accepted": .int(results.count - duplicates), "duplicates": .int(duplicates)], status: .accepted)
    }

    /// `POST /v1/profiles`: identify calls, applied in order with the customer's events.
    func ingestProfiles(_ request: Request) async throws -> Response {
        let json = try await body.json(of: request)
        let inputs = try payload.profiles(from: json, acceptedAt: clock.now())
        let results = try await (inputSink ?? engine).ingest(inputs)
        metrics.profilesAccepted.increment(by: results.count)
        return JSONResponse.make(["accepted": .int(results.count)], status: .accepted)
    }

    /// `GET /v1/customers/{id}`: the profile, the runs in progress and the recent actions.
    func customer(_ id: String) async throws -> Response {
        if let customerLookup {
            let found: CustomerLookup?
            do {
                found = try await customerLookup(id)
            } catch let error as ActorSystemError {
                throw APIError.remoteCall(error)
            }
            guard let found else {
                throw APIError.notFound("unknown_customer", "no customer `\(id)` in the cluster", field: "id")
            }
            return JSONResponse.make(CustomerView.json(found.state, actions: found.actions))
        }
        guard let state = try await engine.customerState(id) else {
            throw APIError.notFound("unknown_customer", "no customer `\(id)` on this node", field: "id")
        }
        let actions = try await engine.recentActions(of: id, limit: 50)
        return JSONResponse.make(CustomerView.json(state, actions: actions))
    }
}
