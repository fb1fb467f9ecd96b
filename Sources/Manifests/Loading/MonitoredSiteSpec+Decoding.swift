extension MonitoredSiteSpec {
    static func decode(_ r: FieldReader) -> MonitoredSiteSpec? {
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
                let webhook = alert.string("webhook", required: true)
            else { continue }
            var value = Alert(webhook: webhook)
            value.sendOnResolved = alert.bool("sendOnResolved", default: true)
            spec.alerts.append(value)
        }
        return spec
    }

    /// `200` or `"200-299"`.
    static func statusRange(_ node: YAMLNode, field: String, context: DecodeContext) -> StatusRange? {
        if let text = node.scalar?.text {
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
            node.mark, "schema.status", "'\(field)' is not an HTTP status or range: \(FieldReader.describe(node))",
            hint: "write a status such as 200, or a range in quotes such as \"200-299\" (100 to 599)")
        return nil
    }
}
