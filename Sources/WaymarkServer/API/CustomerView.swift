import Foundation
import JourneyModel
import JourneyRuntime

/// The JSON shape of a customer for the API and `waymark customer`.
enum CustomerView {
    static func json(_ state: CustomerState, actions: [ActionRecord]) -> JSONValue {
        .object([
            "customer_id": .string(state.customerID),
            "profile": state.profile.json,
            "runs": .array(state.runs.map(run)),
            "actions": .array(actions.map(action)),
        ])
    }

    static func run(_ run: RunState) -> JSONValue {
        .object([
            "journey": .string(run.journeyID),
            "version": .int(run.version),
            "run": .int(run.number),
            "step": .string(run.stepID),
            "entered_at": .time(run.enteredAt),
            "variant": .optional(run.variant),
            "waiting_for": .optional(run.waiting?.reason.rawValue),
            "next_deadline": .time(run.waiting?.deadline),
        ])
    }

    static func action(_ action: ActionRecord) -> JSONValue {
        .object([
            "time": .time(action.time),
            "journey": .string(action.journey),
            "version": .int(action.version),
            "run": .int(action.run),
            "step": .optional(action.step),
            "action": .string(action.action.rawValue),
            "channel": .optional(action.channel),
            "template": .optional(action.template),
            "variant": .optional(action.variant),
            "reason": .optional(action.reason),
        ])
    }
}
