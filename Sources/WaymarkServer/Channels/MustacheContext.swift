import Foundation
import JourneyModel
import JourneyRuntime

/// What a template sees: `profile` (with `customer_id`), `event`, `journey`
/// (`id`, `version`, `run`, `step`, `variant`, `entered_at`), `data`, and `customer_id` at the top.
///
/// Mustache walks plain Swift dictionaries and arrays; whole numbers become
/// `Int` so that `{{event.value}}` prints `199`, not `199.0`.
enum MustacheContext {
    static func make(for message: OutboundMessage) -> [String: Any] {
        var profile = message.profile.objectValue ?? [:]
        profile["customer_id"] = .string(message.customerID)
        var context: [String: Any] = [
            "customer_id": message.customerID,
            "profile": value(.object(profile)),
            "journey": [
                "id": message.journeyID, "version": message.version, "run": message.run, "step": message.stepID,
                // Absent values are NSNull, which renders as nothing; an `Optional` in `Any` would print `nil`.
                "variant": message.variant ?? NSNull() as Any,
                "entered_at": message.enteredAt.map(Timestamp.format) ?? NSNull() as Any,
            ] as [String: Any],
            "channel": message.channel,
            "data": value(message.data ?? .object([:])),
        ]
        if let event = message.event {
            var fields = event.properties.objectValue ?? [:]
            fields["name"] = .string(event.name)
            fields["time"] = .string(Timestamp.format(event.time))
            // `event.properties.x` and the shorter `event.x` both work, as in journey expressions.
            fields["properties"] = event.properties
            context["event"] = value(.object(fields))
        }
        return context
    }

    static func value(_ json: JSONValue) -> Any {
        switch json {
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .number(let number):
            if number.rounded() == number, abs(number) < 9_007_199_254_740_992 { return Int(number) }
            return number
        case .string(let text): return text
        case .array(let items): return items.map(value)
        case .object(let fields): return fields.mapValues(value)
        }
    }
}
