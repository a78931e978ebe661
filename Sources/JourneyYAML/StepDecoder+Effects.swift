import JourneyModel
import Yams

extension StepDecoder {
    func update(_ node: Node) -> ProfileUpdate? {
        guard let map = context.mapping(node, path: path, what: "`update` of \(what)", allowed: ["set", "increment", "unset", "tags"]) else { return nil }
        if map.keys.isEmpty {
            context.error("empty-update", "`update` of \(what) changes nothing", hint: "add `set`, `increment`, `unset` or `tags`", at: node)
        }
        var update = ProfileUpdate()
        var broken = false
        for (key, expecting) in [("set", ExpressionType?.none), ("increment", .number)] {
            guard let assignmentsNode = map[key] else { continue }
            guard let assignments = assignments(assignmentsNode, key: key, expecting: expecting) else {
                broken = true
                continue
            }
            if key == "set" { update.set = assignments } else { update.increment = assignments }
        }
        if let unsetNode = map["unset"] {
            if let keys = context.stringList(unsetNode, what: "`unset` of \(what)") {
                update.unset = keys.map(attributePath)
            } else {
                broken = true
            }
        }
        if let tagsNode = map["tags"] {
            if let tags = context.mapping(tagsNode, path: "\(path).tags", what: "`tags` of \(what)", allowed: ["add", "remove"]) {
                update.addTags = tags["add"].flatMap { context.stringList($0, what: "`tags.add` of \(what)") } ?? []
                update.removeTags = tags["remove"].flatMap { context.stringList($0, what: "`tags.remove` of \(what)") } ?? []
            } else {
                broken = true
            }
        }
        return broken ? nil : update
    }

    /// `{attribute: EXPR}` pairs. A YAML list or map as the value is taken as a literal.
    private func assignments(_ node: Node, key: String, expecting: ExpressionType?) -> [ProfileUpdate.Assignment]? {
        guard case .mapping(let mapping) = node else {
            context.error("expected-map", "`\(key)` of \(what) must be a map of attribute: expression", at: node)
            return nil
        }
        var result: [ProfileUpdate.Assignment] = []
        var broken = false
        for (keyNode, valueNode) in mapping where !context.isSkipped(keyNode) {
            guard let attribute = context.nonEmptyString(keyNode, what: "an attribute name in `\(key)`") else {
                broken = true
                continue
            }
            context.record("\(path).\(key).\(attribute)", valueNode)
            let value: Expression?
            if case .scalar = valueNode {
                value = context.expression(valueNode, what: "`\(key).\(attribute)` of \(what)", expecting: expecting)
            } else {
                let literal = context.json(valueNode)
                value = Expression(source: literal.description, root: .literal(literal))
            }
            guard let value else {
                broken = true
                continue
            }
            result.append(ProfileUpdate.Assignment(path: attributePath(attribute), value: value))
        }
        return broken ? nil : result
    }

    private func attributePath(_ text: String) -> [String] {
        var parts = text.split(separator: ".").map(String.init)
        if parts.first == "profile" && parts.count > 1 { parts.removeFirst() }
        return parts
    }

    func webhook(_ node: Node) -> Webhook? {
        guard let map = context.mapping(node, path: path, what: "`webhook` of \(what)", allowed: ["url", "method", "headers", "body"], required: ["url"]),
            let url = map["url"].flatMap({ context.nonEmptyString($0, what: "`url` of \(what)") })
        else { return nil }
        if !(url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("{{")) {
            context.error(
                "invalid-url", "`url` of \(what) must start with http:// or https://, not `\(url)`",
                hint: url.contains("://") ? "webhooks are called over HTTP or HTTPS" : "did you mean `https://\(url)`?", at: map["url"]!)
        }
        let method = map["method"].flatMap { context.nonEmptyString($0, what: "`method` of \(what)") }?.uppercased() ?? "POST"
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        if !methods.contains(method), let methodNode = map["method"] {
            context.error("invalid-method", "`method` of \(what) must be one of \(methods.joined(separator: ", ")), not `\(method)`", at: methodNode)
        }
        var headers: [String: String] = [:]
        if let headersNode = map["headers"] {
            if case .object(let fields) = context.json(headersNode) {
                for (name, value) in fields { headers[name] = value.stringValue ?? value.description }
            } else {
                context.error("expected-map", "`headers` of \(what) must be a map of header names to values", at: headersNode)
            }
        }
        var body: Webhook.Body?
        if let bodyNode = map["body"] {
            switch bodyNode {
            case .scalar: body = context.nonEmptyString(bodyNode, what: "`body` of \(what)").map(Webhook.Body.template)
            case .mapping: body = .json(context.json(bodyNode))
            default: context.error("invalid-body", "`body` of \(what) must be a template name or a map", at: bodyNode)
            }
        }
        return Webhook(url: url, method: method, headers: headers, body: body)
    }
}
