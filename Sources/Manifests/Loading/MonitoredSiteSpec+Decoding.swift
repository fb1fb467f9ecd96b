import Foundation

extension MonitoredSiteSpec {
    static func decode<Node>(_ r: FieldReader<Node>) -> MonitoredSiteSpec? {
        let account = r.string("account", required: true)
        let url = r.string("url", required: true)
        guard let account, let url else { return nil }
        var spec = MonitoredSiteSpec(account: account, url: url)
        spec.interval = r.duration("interval", default: spec.interval)
        spec.timeout = r.duration("timeout", default: spec.timeout)
        if let expect = r.object("expect", keys: ManifestSchema.keys(.monitoredSite, "spec.expect")) {
            if expect.node("status") != nil {
                spec.expect.status = expect.list("status").enumerated().compactMap { index, node in
                    statusRange(node, field: "spec.expect.status[\(index)]", context: r.context)
                }
            }
            spec.expect.bodyContains = expect.string("bodyContains")
            spec.expect.maxLatency = expect.optionalDuration("maxLatency")
        }
        if let tls = r.object("tls", keys: ManifestSchema.keys(.monitoredSite, "spec.tls")) {
            spec.tlsWarnBefore = tls.duration("warnBefore", default: spec.tlsWarnBefore)
        }
        if let thresholds = r.object("thresholds", keys: ManifestSchema.keys(.monitoredSite, "spec.thresholds")) {
            spec.failureThreshold = thresholds.int("failure", default: 3, in: 1...1000) ?? 3
            spec.successThreshold = thresholds.int("success", default: 2, in: 1...1000) ?? 2
        }
        let alertKeys = ManifestSchema.keys(.monitoredSite, "spec.alerts[]")
        for (index, item) in r.list("alerts").enumerated() {
            guard
                let alert = FieldReader(
                    item, path: "spec.alerts.\(index)", keys: alertKeys, context: r.context,
                    what: "alert \(index + 1)"),
                let target = alertTarget(alert)
            else { continue }
            var value = Alert(target: target)
            value.sendOnResolved = alert.bool("sendOnResolved", default: true)
            value.format = alert.choice("format", as: AlertFormat.self)
            spec.alerts.append(value)
        }
        spec.allowPrivate = r.bool("allowPrivate", default: false)
        for (index, node) in r.list("conditions").enumerated() {
            if let condition = condition(node, index: index, context: r.context) { spec.conditions.append(condition) }
        }
        return spec
    }

    /// Exactly one of `webhook` and `receiver`.
    static func alertTarget<Node>(_ alert: FieldReader<Node>) -> AlertTarget? {
        let webhook = alert.string("webhook")
        let receiver = alert.string("receiver")
        switch (webhook, receiver) {
        case (let url?, nil): return .webhook(url)
        case (nil, let name?):
            guard name.range(of: "^[a-z0-9]([a-z0-9_-]{0,62})$", options: .regularExpression) != nil else {
                alert.context.error(
                    alert.node("receiver")!.mark, "monitor.receiver", "receiver '\(name)' is not a receiver name",
                    hint: "name a receiver of the daemon's configuration: lower-case letters, digits, - and _")
                return nil
            }
            return .receiver(name)
        case (.some, .some):
            alert.context.error(
                alert.node("receiver")!.mark, "monitor.alert-target", "an alert names both a webhook and a receiver",
                hint:
                    "keep one: `receiver:` for a URL kept in the daemon's configuration, `webhook:` for a URL without secrets"
            )
            return nil
        case (nil, nil):
            alert.context.error(
                alert.mark, "monitor.alert-target", "an alert names neither a webhook nor a receiver",
                hint: "add `receiver: NAME` (the URL stays in the daemon's configuration) or `webhook: https://...`")
            return nil
        }
    }

    static func condition<Node: YAMLView>(_ node: Node, index: Int, context: DecodeContext) -> MonitorCondition? {
        guard let text = node.text else {
            context.error(
                node.mark, "monitor.condition",
                "condition \(index + 1) is a \(node.shapeName), not a condition; unquoted, YAML reads `[...]` as a list",
                hint: "quote every condition: - \"[STATUS] == 200\"")
            return nil
        }
        switch MonitorConditionParser.parse(text) {
        case .success(let condition): return condition
        case .failure(let problem):
            context.error(node.mark, "monitor.condition", problem.message, hint: problem.hint)
            return nil
        }
    }

    /// `200` or `"200-299"`.
    static func statusRange<Node: YAMLView>(_ node: Node, field: String, context: DecodeContext) -> StatusRange? {
        if let text = node.text {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            let bounds = parts.compactMap { Int($0) }
            if parts.count == bounds.count, (1...2).contains(bounds.count),
                bounds.allSatisfy({ (100...599).contains($0) }),
                bounds.first! <= bounds.last!
            {
                return StatusRange(lower: bounds.first!, upper: bounds.last!)
            }
        }
        context.error(
            node.mark, "schema.status",
            "'\(field)' is not an HTTP status or range: \(FieldReader<Node>.describe(node))",
            hint: "write a status such as 200, or a range in quotes such as \"200-299\" (100 to 599)")
        return nil
    }
}
