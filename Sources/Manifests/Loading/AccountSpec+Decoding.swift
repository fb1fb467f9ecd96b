extension AccountSpec {
    static func decode<Node>(_ r: FieldReader<Node>) -> AccountSpec? {
        guard let contact = r.string("contact", required: true) else { return nil }
        var spec = AccountSpec(contact: contact)
        spec.active = r.bool("active", default: true)
        spec.groups = r.stringList("groups")
        spec.maintenance = maintenance(r)
        if let placement = r.object("placement", keys: ManifestSchema.keys(.account, "spec.placement")) {
            spec.placement.web = placement.string("web")
            spec.placement.dns = placement.stringList("dns")
        }
        if let limits = r.object("limits", keys: ManifestSchema.keys(.account, "spec.limits")) {
            let range = 0...1_000_000
            spec.limits.domains = limits.int("domains", in: range)
            spec.limits.webApps = limits.int("webApps", in: range)
            spec.limits.systemUsers = limits.int("systemUsers", in: range)
            if let node = limits.node("diskQuota"),
                let text = FieldReader<Node>.text(node, field: "spec.limits.diskQuota", context: r.context)
            {
                spec.limits.diskQuota = ByteSize.parse(text)
                if spec.limits.diskQuota == nil {
                    r.context.error(
                        node.mark, "schema.size", "'spec.limits.diskQuota' is not a size: '\(text)'",
                        hint: "write a whole number and a unit: 500M, 10G, 1T (or bytes)")
                }
            }
        }
        return spec
    }

    /// `maintenance: [{schedule: "0 2 * * sat", duration: 2h}, ...]`.
    static func maintenance<Node>(_ r: FieldReader<Node>) -> [MaintenanceWindow] {
        let keys = ManifestSchema.keys(.account, "spec.maintenance[]")
        return r.list("maintenance").enumerated().compactMap { index, item in
            guard
                let fields = FieldReader(
                    item, path: "spec.maintenance.\(index)", keys: keys, context: r.context,
                    what: "maintenance window \(index + 1)")
            else { return nil }
            let text = fields.string("schedule", required: true)
            let duration = fields.node("duration", required: true) == nil ? nil : fields.optionalDuration("duration")
            var schedule: CronSchedule?
            if let text, let node = fields.node("schedule") {
                do { schedule = try CronSchedule(parsing: text) } catch {
                    r.context.error(
                        node.mark, "schema.cron", "the schedule '\(text)' \(error)",
                        hint: "write five cron fields in UTC, e.g. \"0 2 * * sat\" (Saturdays at 02:00)")
                }
            }
            if let duration, !MaintenanceWindow.durations.contains(duration), let node = fields.node("duration") {
                r.context.error(
                    node.mark, "schema.range", "maintenance window \(index + 1) lasts \(duration)",
                    hint: "a window lasts from 1m to 1w")
                return nil
            }
            guard let schedule, let duration else { return nil }
            return MaintenanceWindow(schedule: schedule, duration: duration)
        }
    }
}

/// Sizes written `512`, `500K`, `500M`, `10G`, `1T` (powers of 1024, as quota tools use).
package enum ByteSize {
    package static func parse(_ text: String) -> Int64? {
        var digits = Substring(text)
        var unit: Int64 = 1
        if let last = text.last, !last.isNumber {
            switch last.uppercased() {
            case "K": unit = 1 << 10
            case "M": unit = 1 << 20
            case "G": unit = 1 << 30
            case "T": unit = 1 << 40
            default: return nil
            }
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let n = Int64(digits)
        else { return nil }
        let (value, overflow) = n.multipliedReportingOverflow(by: unit)
        return overflow ? nil : value
    }
}
