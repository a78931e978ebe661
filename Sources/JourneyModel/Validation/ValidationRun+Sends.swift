extension ValidationRun {
    mutating func checkSend(_ send: Send, at index: Int, templates: TemplateCatalog?, knownChannels: Set<String>) {
        let path = "\(JourneySourceMap.step(index)).send"
        // `preferred` inside a chain is already an error of the YAML front end.
        for channel in send.channel.namedChannels where !knownChannels.contains(channel) && channel != "preferred" {
            unknownChannel(channel, path: "\(path).channel", knownChannels: knownChannels)
        }
        if case .chain(let channels) = send.channel {
            var seen: Set<String> = []
            for channel in channels where !seen.insert(channel).inserted {
                warning("repeated-channel", "the fallback chain names `\(channel)` twice; the second one is never tried", hint: "remove the repeated `\(channel)`", path: "\(path).channel")
                break
            }
        }
        guard let templates, let name = send.template else { return }
        switch send.channel {
        case .chain(let channels):
            checkTemplate(name, channels: channels, templates: templates, path: "\(path).template")
        case .single(let channel):
            checkTemplate(name, channels: [channel], templates: templates, path: "\(path).template")
        case .preferred:
            if !templates.hasAnyFile(for: name) {
                missingTemplate(name, expected: "\(templates.location)/\(name).mustache", templates: templates, path: "\(path).template")
            } else if templates.fileName(for: name, channel: nil) == nil {
                // An error, as the guide says: the customer's preferred channel can be any channel,
                // and a send on one with no file of its own would have nothing to render.
                error(
                    "missing-generic-template", "template `\(name)` has no generic \(templates.location)/\(name).mustache: a preferred channel without its own file cannot be rendered",
                    hint: "add \(templates.location)/\(name).mustache", path: "\(path).template")
            }
        }
    }

    mutating func checkWebhook(_ webhook: Webhook, at index: Int, templates: TemplateCatalog?) {
        guard let templates, case .template(let name) = webhook.body else { return }
        checkTemplate(name, channels: ["webhook"], templates: templates, path: "\(JourneySourceMap.step(index)).webhook.body")
    }

    /// Every channel needs `NAME.CHANNEL.mustache` or the generic `NAME.mustache`.
    private mutating func checkTemplate(_ name: String, channels: [String], templates: TemplateCatalog, path: String) {
        var missing: [String] = []
        for channel in channels where templates.fileName(for: name, channel: channel) == nil && !missing.contains(channel) {
            missing.append(channel)
        }
        guard let first = missing.first else { return }
        let generic = "\(templates.location)/\(name).mustache"
        guard templates.hasAnyFile(for: name) else {
            let specific = missing.count == 1 ? " or \(templates.location)/\(name).\(first).mustache" : " or one file per channel, such as \(templates.location)/\(name).\(first).mustache"
            missingTemplate(name, expected: generic + specific, templates: templates, path: path)
            return
        }
        let names = missing.map { "`\($0)`" }.joined(separator: ", ")
        let files = missing.map { "\(templates.location)/\(name).\($0).mustache" }.joined(separator: ", ")
        error(
            "missing-template", "template `\(name)` has no file for \(names): expected \(generic) or \(files)",
            hint: "add \(files), or a generic \(generic) for every channel", path: path)
    }

    private mutating func missingTemplate(_ name: String, expected: String, templates: TemplateCatalog, path: String) {
        let hint = closestMatch(to: name, in: templates.templateNames).map { "did you mean `\($0)`?" }
            ?? "create \(templates.location)/\(name).mustache"
        error("missing-template", "template `\(name)` does not exist: expected \(expected)", hint: hint, path: path)
    }

    mutating func unknownChannel(_ channel: String, path: String, knownChannels: Set<String>) {
        let hint = closestMatch(to: channel, in: knownChannels).map { "did you mean `\($0)`? (fine if your deployment configures `\(channel)`)" }
            ?? "known channels: \(knownChannels.sorted().joined(separator: ", ")); fine if your deployment configures it"
        warning("unknown-channel", "`\(channel)` is not a built-in channel", hint: hint, path: path)
    }
}
