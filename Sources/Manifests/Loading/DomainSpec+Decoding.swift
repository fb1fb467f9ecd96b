extension DomainSpec {
    static func decode(_ r: FieldReader) -> DomainSpec? {
        guard let account = r.string("account", required: true) else { return nil }
        var spec = DomainSpec(account: account)
        spec.ttl = r.duration("ttl", default: spec.ttl)
        if let soa = r.object("soa", keys: ManifestSchema.keys(.domain, "spec.soa")) {
            spec.soa.rname = soa.string("rname")
            spec.soa.refresh = soa.duration("refresh", default: spec.soa.refresh)
            spec.soa.retry = soa.duration("retry", default: spec.soa.retry)
            spec.soa.expire = soa.duration("expire", default: spec.soa.expire)
            spec.soa.minimum = soa.duration("minimum", default: spec.soa.minimum)
        }
        let keys = ManifestSchema.keys(.domain, "spec.records[]")
        for (index, item) in r.list("records", recordPositions: false).enumerated() {
            guard
                let fields = FieldReader(
                    item, path: "spec.records.\(index)", keys: keys, context: r.context, what: "record \(index + 1)",
                    recordPositions: false)
            else { continue }
            let name = fields.string("name", required: true)
            let type = fields.choice("type", required: true, as: RecordType.self)
            var strings: [String]?
            let value: String?
            if let node = fields.node("value"), case .sequence = node.content, type == .TXT || type == .SPF {
                strings = fields.stringList("value")
                value = strings?.joined()
            } else {
                value = fields.string("value", required: true)
            }
            let ttl = fields.optionalDuration("ttl")
            guard let name, let type, let value else { continue }
            let marks = DNSRecord.Marks(
                item: item.mark, name: fields.node("name")?.mark ?? item.mark,
                type: fields.node("type")?.mark ?? item.mark, ttl: fields.node("ttl")?.mark ?? item.mark,
                value: fields.node("value")?.mark ?? item.mark)
            var record = DNSRecord(name: name, type: type, ttl: ttl, value: value, marks: marks)
            record.strings = strings
            spec.records.append(record)
        }
        return spec
    }
}
