import Foundation
import JourneyModel

/// Something a customer did, as ingested: from the site, an app, a store, a mini-program, SMS, WeChat…
public struct CustomerEvent: Sendable, Hashable, Codable {
    /// Optional idempotency id: an event whose id was already seen is ignored.
    public var id: String?
    public var customerID: String
    public var name: String
    public var time: Date
    public var properties: [String: JSONValue]

    public init(id: String? = nil, customerID: String, name: String, time: Date, properties: [String: JSONValue] = [:]) {
        self.id = id
        self.customerID = customerID
        self.name = name
        self.time = time
        self.properties = properties
    }

    /// The channel the event came from (`properties.channel`), used for the acquisition channel.
    public var channel: String? { properties["channel"]?.stringValue }

    /// Purchases update `purchase_count` and, with a numeric `value`, `total_spent`.
    public static let purchaseName = "purchase"

    /// What expressions see as `event`.
    public var context: EventContext {
        EventContext(name: name, time: time, properties: .object(properties))
    }
}

/// An identify call: attributes, identities and consent to merge into a profile.
public struct ProfileChange: Sendable, Hashable, Codable {
    public var customerID: String
    /// Values to set; `null` removes the attribute.
    public var attributes: [String: JSONValue]
    public var identities: [String: String]
    public var consent: [String: Bool]

    public init(customerID: String, attributes: [String: JSONValue] = [:], identities: [String: String] = [:], consent: [String: Bool] = [:]) {
        self.customerID = customerID
        self.attributes = attributes
        self.identities = identities
        self.consent = consent
    }
}
