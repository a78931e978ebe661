import Foundation
import JourneyModel

extension InterpreterPass {
    /// The channels a send may use, in the order they are tried.
    func candidateChannels(_ selection: ChannelSelection) -> [String] {
        switch selection {
        case .single(let channel):
            return [channel]
        case .chain(let channels):
            return channels
        case .preferred(let fallback):
            // An empty text names no channel: it falls through like a missing attribute. Repeats
            // are dropped by a scan of the few kept so far: a set hashed every name of every send.
            var channels: [String] = []
            channels.reserveCapacity(fallback.count + 2)
            func keep(_ name: String?) {
                if let name, !name.isEmpty, !channels.contains(name) { channels.append(name) }
            }
            keep(state.profile["preferred_channel"].stringValue)
            keep(state.profile["acquisition_channel"].stringValue)
            for name in fallback { keep(name) }
            return channels
        }
    }

    /// Picks a reachable channel, applies the frequency cap, and either records a
    /// `send` with its outbox message or a `suppressed` with the reason.
    mutating func performSend(_ send: Send, step: Step, runAt index: Int, journey: DeployedJourney) {
        // A loop, not `first(where:)`: a closure reading the pass got a copy of the whole pass.
        var reachable: String?
        for candidate in candidateChannels(send.channel) where interpreter.channels.isReachable(candidate, profile: state.profile) {
            reachable = candidate
            break
        }
        guard let channel = reachable else {
            record(.suppressed, runAt: index, step: step.id, template: send.template, reason: "no_reachable_channel")
            return
        }
        if let cap = journey.definition.limits.frequencyCap, cap.channels?.contains(channel) ?? true {
            // Changed in place: a copy taken out would copy the send times before pruning them.
            let admitted = state.history[journey.id, default: JourneyHistory()]
                .admitSend(at: now, window: Double(cap.per.seconds), maximum: cap.max)
            guard admitted else {
                record(.suppressed, runAt: index, step: step.id, channel: channel, template: send.template, reason: "frequency_cap")
                return
            }
        }
        state.runs[index].lastSend = SendAttribution(stepID: step.id, channel: channel, template: send.template)
        record(.send, runAt: index, step: step.id, channel: channel, template: send.template)
        guard interpreter.emitsDeliveries else { return }
        emit(.deliver(outbound(.send, channel: channel, step: step, runAt: index) { message in
            message.template = send.template
            message.message = send.message
            message.data = send.data
        }))
    }

    mutating func performWebhook(_ webhook: Webhook, step: Step, runAt index: Int) {
        var template: String?
        if case .template(let name) = webhook.body { template = name }
        record(.webhook, runAt: index, step: step.id, channel: "webhook", template: template)
        guard interpreter.emitsDeliveries else { return }
        emit(.deliver(outbound(.webhook, channel: "webhook", step: step, runAt: index) { $0.webhook = webhook }))
    }

    /// The message for the run at `index`, its fields read in place (the run is not copied).
    private func outbound(_ kind: OutboundMessage.Kind, channel: String, step: Step, runAt index: Int, configure: (inout OutboundMessage) -> Void) -> OutboundMessage {
        let visit = state.runs[index].visits[step.id] ?? 1
        let (journeyID, number) = (state.runs[index].journeyID, state.runs[index].number)
        var message = OutboundMessage(
            idempotencyKey: OutboundMessage.idempotencyKey(journeyID: journeyID, run: number, stepID: step.id, visit: visit, customerID: state.customerID),
            kind: kind, time: now, customerID: state.customerID, journeyID: journeyID, version: state.runs[index].version,
            run: number, stepID: step.id, visit: visit, channel: channel, template: nil, message: nil, data: nil,
            webhook: nil, profile: state.profile.json, event: state.runs[index].event, variant: state.runs[index].variant,
            enteredAt: state.runs[index].enteredAt)
        configure(&message)
        return message
    }

    /// Applies an `update` step. Expressions all read the profile as it was before
    /// the step, so the order of keys never matters. A bad increment is recorded on
    /// the run as the update's `reason` and skipped; it never stops the run.
    mutating func applyUpdate(_ update: ProfileUpdate, step: Step, runAt index: Int) {
        let context = evaluationContext(forRunAt: index, event: nil)
        var problems: [String] = []
        var profile = state.profile
        for assignment in update.set {
            profile.set(assignment.value.evaluate(in: context), at: assignment.path)
        }
        for assignment in update.increment {
            let name = assignment.path.joined(separator: ".")
            guard case .number(let amount) = assignment.value.evaluate(in: context) else {
                problems.append("increment of `\(name)` is not a number")
                continue
            }
            let current = profile.json[path: assignment.path]
            guard current.isNull || current.numberValue != nil else {
                problems.append("`\(name)` is not a number, cannot increment it")
                continue
            }
            let sum = (current.numberValue ?? 0) + amount
            // Infinity is no JSON number: an overflow is a bad increment like any other.
            guard sum.isFinite else {
                problems.append("increment of `\(name)` overflows")
                continue
            }
            profile.set(.number(sum), at: assignment.path)
        }
        for path in update.unset {
            profile.remove(at: path)
        }
        if !update.addTags.isEmpty || !update.removeTags.isEmpty {
            // Tags that are not strings (written by an import, say) are kept as they are.
            var tags = profile["tags"].arrayValue ?? []
            for tag in update.addTags where !tags.contains(.string(tag)) { tags.append(.string(tag)) }
            tags.removeAll { $0.stringValue.map(update.removeTags.contains) ?? false }
            profile.set(.array(tags), at: ["tags"])
        }
        state.profile = profile
        record(.update, runAt: index, step: step.id, reason: problems.isEmpty ? nil : "error: " + problems.joined(separator: "; "))
    }
}
