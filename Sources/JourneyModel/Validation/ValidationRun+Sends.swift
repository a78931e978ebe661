extension ValidationRun {
    mutating func checkSend(_ send: Send, at index: Int, templates: TemplateCatalog?, knownChannels: Set<String>) {
        let path = "\(JourneySourceMap.step(index)).send"
        for channel in send.channel.namedChannels where !knownChannels.contains(channel) {
            unknownChannel(channel, path: "\(path).channel", knownChannels: knownChannels)
        }
        if case .chain(let channels) = send.channel, Set(channels).count != channels.count {
            warning("repeated-channel", "the fallback chain names a channel twice", path: "\(path).channel")
        }
        guard let templates, let name = send.template else { return }
        switch send.channel {
        case .chain(let channels):
            checkTemplate(name, channels: channels, templates: templates, path: "\(path).template")
        case .single(let channel):
            checkTemplate(name, channels: [channel], templates: templates, path: "\(path).template")
        case .preferred:
            if !templates.hasAnyFile(for: name) {
                missingTemplate(name, expected: "\(name).mustache", templates: templates, path: "\(path).template")
            } else if templates.fileName(for: name, channel: nil) == nil {
                warning("missing-generic-template", "template `\(name)` has no generic `\(name).mustache`: a preferred channel without its own file cannot be rendered", path: "\(path).template")
            }
        }
    }

    mutating func checkWebhook(_ webhook: Webhook, at index: Int, templates: TemplateCatalog?) {
        guard let templates, case .template(let name) = webhook.body else { return }
        checkTemplate(name, channels: ["webhook"], templates: templates, path: "\(JourneySourceMap.step(index)).webhook.body")
    }

    private mutating func checkTemplate(_ name: String, channels: [String], templates: TemplateCatalog, path: String) {
        for channel in channels where templates.fileName(for: name, channel: channel) == nil {
            missingTemplate(name, expected: "\(name).mustache or \(templates.location)/\(name).\(channel).mustache", templates: templates, path: path)
            return
        }
    }

    private mutating func missingTemplate(_ name: String, expected: String, templates: TemplateCatalog, path: String) {
        let hint = closestMatch(to: name, in: templates.templateNames).map { "did you mean `\($0)`?" }
            ?? "create \(templates.location)/\(name).mustache"
        error("missing-template", "template `\(name)` does not exist: expected \(templates.location)/\(expected)", hint: hint, path: path)
    }

    mutating func unknownChannel(_ channel: String, path: String, knownChannels: Set<String>) {
        let hint = closestMatch(to: channel, in: knownChannels).map { "did you mean `\($0)`? (fine if your deployment configures `\(channel)`)" }
            ?? "known channels: \(knownChannels.sorted().joined(separator: ", ")); fine if your deployment configures it"
        warning("unknown-channel", "`\(channel)` is not a built-in channel", hint: hint, path: path)
    }
}
