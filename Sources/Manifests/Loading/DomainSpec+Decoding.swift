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
        let items = r.list("records", recordPositions: false)
        spec.records.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            // Most records are a small mapping of plain scalars: read those at once, and leave everything else
            // (and every diagnostic) to the field reader below. A Domain may hold 200,000 records.
            if let record = plainRecord(item) {
                spec.records.append(record)
                continue
            }
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

    /// A record whose keys are known and whose values are scalars the field reader would take as they are:
    /// the same record the field reader makes, without its diagnostics machinery. Nil for anything else.
    static func plainRecord(_ item: YAMLNode) -> DNSRecord? {
        guard case .mapping(let pairs) = item.content, pairs.count <= 4 else { return nil }
        var name: YAMLNode?
        var type: YAMLNode?
        var ttl: YAMLNode?
        var value: YAMLNode?
        for pair in pairs {
            guard let key = pair.key.scalar?.text else { return nil }
            switch key {
            case "name": name = pair.value
            case "type": type = pair.value
            case "ttl": ttl = pair.value
            case "value": value = pair.value
            default: return nil
            }
        }
        guard let nameNode = name, let nameText = nameNode.scalar, !nameText.isNull,
            let typeNode = type, let typeText = typeNode.scalar, !typeText.isNull,
            let recordType = RecordType(rawValue: typeText.text),
            let valueNode = value, let valueText = valueNode.scalar, !valueText.isNull
        else { return nil }
        var duration: Duration?
        var ttlMark = item.mark
        if let ttl, !ttl.isNull {
            guard let text = ttl.scalar, let parsed = Duration(parsing: text.text) else { return nil }
            duration = parsed
            ttlMark = ttl.mark
        }
        let marks = DNSRecord.Marks(
            item: item.mark, name: nameNode.mark, type: typeNode.mark, ttl: ttlMark,
            value: valueNode.mark)
        return DNSRecord(name: nameText.text, type: recordType, ttl: duration, value: valueText.text, marks: marks)
    }
}
