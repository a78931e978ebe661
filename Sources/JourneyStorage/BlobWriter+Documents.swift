import Foundation
import JourneyModel
import JourneyRuntime

/// The documents ``BlobWriter`` writes: the keys of the synthesized `Codable`
/// conformances, optionals left out when nil. `BlobWriterTests` decodes each
/// with `JSONDecoder` and compares it with the value written.
extension BlobWriter {
    mutating func write(_ state: CustomerState) {
        raw("{\"customerID\":")
        string(state.customerID)
        raw(",\"profile\":{\"attributes\":")
        object(state.profile.attributes) { $0.json($1) }
        raw("},\"runs\":")
        array(state.runs) { $0.write($1) }
        raw(",\"history\":")
        object(state.history) { $0.write($1) }
        raw(",\"lastTimerToken\":")
        unsigned(state.lastTimerToken)
        raw(",\"segmentChecks\":")
        object(state.segmentChecks) { $0.unsigned($1) }
        raw(",\"segmentCheckTimes\":")
        object(state.segmentCheckTimes) { $0.write($1) }
        byte(UInt8(ascii: "}"))
    }

    mutating func write(_ recheck: SegmentRecheck) {
        raw("{\"due\":")
        date(recheck.due)
        raw(",\"interval\":")
        integer(recheck.interval)
        if let firedAt = recheck.firedAt {
            raw(",\"firedAt\":")
            date(firedAt)
        }
        byte(UInt8(ascii: "}"))
    }

    mutating func write(_ run: RunState) {
        raw("{\"journeyID\":")
        string(run.journeyID)
        raw(",\"version\":")
        integer(run.version)
        raw(",\"number\":")
        integer(run.number)
        raw(",\"stepID\":")
        string(run.stepID)
        raw(",\"enteredAt\":")
        date(run.enteredAt)
        if let variant = run.variant {
            raw(",\"variant\":")
            string(variant)
        }
        raw(",\"visits\":")
        object(run.visits) { $0.integer($1) }
        if let waiting = run.waiting {
            raw(",\"waiting\":{\"reason\":")
            string(waiting.reason.rawValue)
            raw(",\"token\":")
            unsigned(waiting.token)
            if let deadline = waiting.deadline {
                raw(",\"deadline\":")
                date(deadline)
            }
            byte(UInt8(ascii: "}"))
        }
        if let event = run.event {
            raw(",\"event\":")
            write(event)
        }
        if let send = run.lastSend {
            raw(",\"lastSend\":{\"stepID\":")
            string(send.stepID)
            raw(",\"channel\":")
            string(send.channel)
            if let template = send.template {
                raw(",\"template\":")
                string(template)
            }
            byte(UInt8(ascii: "}"))
        }
        raw(",\"converted\":")
        bool(run.converted)
        byte(UInt8(ascii: "}"))
    }

    mutating func write(_ history: JourneyHistory) {
        raw("{\"runCount\":")
        integer(history.runCount)
        if let lastEndedAt = history.lastEndedAt {
            raw(",\"lastEndedAt\":")
            date(lastEndedAt)
        }
        raw(",\"sendTimes\":")
        array(history.sendTimes) { $0.date($1) }
        byte(UInt8(ascii: "}"))
    }

    mutating func write(_ event: EventContext) {
        raw("{\"name\":")
        string(event.name)
        raw(",\"time\":")
        date(event.time)
        raw(",\"properties\":")
        json(event.properties)
        byte(UInt8(ascii: "}"))
    }

    mutating func write(_ message: OutboundMessage) {
        raw("{\"idempotencyKey\":")
        string(message.idempotencyKey)
        raw(",\"kind\":")
        string(message.kind.rawValue)
        raw(",\"time\":")
        date(message.time)
        raw(",\"customerID\":")
        string(message.customerID)
        raw(",\"journeyID\":")
        string(message.journeyID)
        raw(",\"version\":")
        integer(message.version)
        raw(",\"run\":")
        integer(message.run)
        raw(",\"stepID\":")
        string(message.stepID)
        raw(",\"visit\":")
        integer(message.visit)
        raw(",\"channel\":")
        string(message.channel)
        optionalString(",\"template\":", message.template)
        optionalString(",\"message\":", message.message)
        if let data = message.data {
            raw(",\"data\":")
            json(data)
        }
        if let webhook = message.webhook {
            raw(",\"webhook\":")
            write(webhook)
        }
        raw(",\"profile\":")
        json(message.profile)
        if let event = message.event {
            raw(",\"event\":")
            write(event)
        }
        optionalString(",\"variant\":", message.variant)
        if let enteredAt = message.enteredAt {
            raw(",\"enteredAt\":")
            date(enteredAt)
        }
        byte(UInt8(ascii: "}"))
    }

    /// A webhook definition; its body is an enum with one unlabelled value, which
    /// synthesized `Codable` writes as `{"case":{"_0":value}}`.
    mutating func write(_ webhook: Webhook) {
        raw("{\"url\":")
        string(webhook.url)
        raw(",\"method\":")
        string(webhook.method)
        raw(",\"headers\":")
        object(webhook.headers) { $0.string($1) }
        switch webhook.body {
        case nil: break
        case .template(let text):
            raw(",\"body\":{\"template\":{\"_0\":")
            string(text)
            raw("}}")
        case .json(let value):
            raw(",\"body\":{\"json\":{\"_0\":")
            json(value)
            raw("}}")
        }
        byte(UInt8(ascii: "}"))
    }

    mutating func write(_ action: ActionRecord) {
        raw("{\"time\":")
        date(action.time)
        raw(",\"customer\":")
        string(action.customer)
        raw(",\"journey\":")
        string(action.journey)
        raw(",\"version\":")
        integer(action.version)
        raw(",\"run\":")
        integer(action.run)
        optionalString(",\"step\":", action.step)
        raw(",\"action\":")
        string(action.action.rawValue)
        optionalString(",\"channel\":", action.channel)
        optionalString(",\"template\":", action.template)
        optionalString(",\"variant\":", action.variant)
        optionalString(",\"reason\":", action.reason)
        byte(UInt8(ascii: "}"))
    }

    /// An inbox input's payload: an enum with one unlabelled value, so `{"event":{"_0":…}}`.
    mutating func write(_ payload: InboxInput.Payload) {
        switch payload {
        case .event(let event):
            raw("{\"event\":{\"_0\":")
            optionalString("{\"id\":", event.id)
            raw(event.id == nil ? "{\"customerID\":" : ",\"customerID\":")
            string(event.customerID)
            raw(",\"name\":")
            string(event.name)
            raw(",\"time\":")
            date(event.time)
            raw(",\"properties\":")
            object(event.properties) { $0.json($1) }
        case .profile(let change):
            raw("{\"profile\":{\"_0\":{\"customerID\":")
            string(change.customerID)
            raw(",\"attributes\":")
            object(change.attributes) { $0.json($1) }
            raw(",\"identities\":")
            object(change.identities) { $0.string($1) }
            raw(",\"consent\":")
            object(change.consent) { $0.bool($1) }
        }
        raw("}}}")
    }

    /// `key` (literal text with its leading comma and colon) and the string, when there is one.
    private mutating func optionalString(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        raw(key)
        string(value)
    }
}
