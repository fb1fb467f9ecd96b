extension DomainSpec {
    static func decode<Node>(_ r: FieldReader<Node>) -> DomainSpec? {
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
            if let node = fields.node("value"), node.shape == .sequence, type == .TXT || type == .SPF {
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
    static func plainRecord<Node: YAMLView>(_ item: Node) -> DNSRecord? {
        guard item.shape == .mapping else { return nil }
        let pairs = item.pairs
        guard pairs.count <= 4 else { return nil }
        var name: Node?
        var type: Node?
        var ttl: Node?
        var value: Node?
        for pair in pairs {
            // As a `switch` over the key's text would match it, without making the text.
            if pair.key.isText("name") {
                name = pair.value
            } else if pair.key.isText("type") {
                type = pair.value
            } else if pair.key.isText("ttl") {
                ttl = pair.value
            } else if pair.key.isText("value") {
                value = pair.value
            } else {
                return nil
            }
        }
        guard let nameNode = name, nameNode.shape == .scalar, !nameNode.isNull, let nameText = nameNode.text,
            let typeNode = type, typeNode.shape == .scalar, !typeNode.isNull, let typeText = typeNode.text,
            let recordType = RecordType(rawValue: typeText),
            let valueNode = value, valueNode.shape == .scalar, !valueNode.isNull, let valueText = valueNode.text
        else { return nil }
        var duration: Duration?
        var ttlMark = item.mark
        if let ttl, !ttl.isNull {
            guard let text = ttl.text, let parsed = Duration(parsing: text) else { return nil }
            duration = parsed
            ttlMark = ttl.mark
        }
        let marks = DNSRecord.Marks(
            item: item.mark, name: nameNode.mark, type: typeNode.mark, ttl: ttlMark,
            value: valueNode.mark)
        return DNSRecord(name: nameText, type: recordType, ttl: duration, value: valueText, marks: marks)
    }
}
