import Manifests

/// Turns a zone (as a canonical dump) into a Domain manifest, so teams can move existing zones in.
package enum ZoneImporter {
    package struct Output: Sendable {
        package var yaml: String
        /// What could not be carried over, one line each, for the user to review.
        package var notices: [String]
        /// The 1-based YAML line of each record written, to the record's index in the input.
        package var recordLines: [Int: Int] = [:]
        /// The YAML line of the SOA's `rname`, when one was written.
        package var rnameLine: Int?
    }

    /// What a caller found the manifest's rules refuse, to be left out (and announced) on the next run.
    package struct Exclusions: Sendable {
        /// Record indexes, each with why it is left out.
        package var records: [Int: String] = [:]
        /// Why the SOA's contact is left to Baton's default, when it is.
        package var rname: String?

        package init() {}
    }

    /// Types that are not records of a Baton Domain: the signer adds the DNSSEC ones.
    static let signatureTypes: Set<String> = ["RRSIG", "NSEC", "NSEC3", "NSEC3PARAM"]

    package static func manifest(
        records: [CanonicalRecord], origin: String, account: String, source: String,
        excluding exclusions: Exclusions = Exclusions()
    ) -> Output {
        let zone = origin.lowercased()
        var notices: [String] = []
        var recordLines: [Int: Int] = [:]
        var rnameLine: Int?
        let ttls = Dictionary(grouping: records.filter { $0.type != "SOA" }, by: \.ttl).mapValues(\.count)
        let zoneTTL = ttls.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? 3600
        var lines = [
            "# Imported by `baton import zone` from \(source); review it before committing.",
            "apiVersion: baton/v1", "kind: Domain", "metadata:", "  name: \(quoted(zone))", "spec:",
            "  account: \(quoted(account))", "  ttl: \(Duration.seconds(Int64(zoneTTL)))",
        ]
        if let soa = records.first(where: { $0.type == "SOA" }) {
            let f = soa.rdata.split(separator: " ").map(String.init)
            if f.count == 7 {
                var parts: [String] = []
                if let why = exclusions.rname {
                    notices.append(
                        "SOA RNAME '\(f[1])' is not imported (\(why)); the default hostmaster@\(zone) is used")
                } else if let email = email(fromMailbox: f[1]) {
                    parts.append("rname: \(quoted(email))")
                    rnameLine = lines.count + 1
                } else {
                    notices.append("SOA RNAME '\(f[1])' is no mailbox; the default hostmaster@\(zone) is used")
                }
                for (key, value) in zip(["refresh", "retry", "expire", "minimum"], f[3...6]) {
                    if let n = Int64(value) { parts.append("\(key): \(Duration.seconds(n))") }
                }
                lines.append("  soa: {\(parts.joined(separator: ", "))}")
                notices.append("SOA MNAME '\(f[0])' and serial \(f[2]) are not imported: Baton writes both")
            }
            if soa.ttl != zoneTTL {
                // A Domain has one TTL for the SOA and the records that name none.
                notices.append(
                    "SOA TTL \(soa.ttl) is not imported: Baton writes the SOA with the zone's TTL (\(zoneTTL))")
            }
        }
        lines.append("  records:")
        var imported = 0
        for (index, record) in records.enumerated() where record.type != "SOA" {
            if let why = exclusions.records[index] {
                notices.append("\(record.owner) \(record.type) skipped: \(why)")
                continue
            }
            if signatureTypes.contains(record.type) {
                notices.append("\(record.owner) \(record.type) skipped: the signer adds DNSSEC signatures")
                continue
            }
            guard let type = RecordType(rawValue: record.type) else {
                notices.append("\(record.owner) \(record.type) skipped: Baton manifests do not hold this type")
                continue
            }
            guard let name = relative(record.owner, to: zone) else {
                notices.append("\(record.owner) \(record.type) skipped: outside \(zone)")
                continue
            }
            if type == .TXT || type == .SPF,
                CanonicalRecord.characterStrings(record.rdata).contains(where: {
                    String(validatingUTF8Bytes: $0) == nil
                })
            {
                // A manifest holds text; bytes that are not UTF-8 would be changed on the way, so they stay out.
                notices.append("\(record.owner) \(record.type) skipped: its data is not UTF-8 text")
                continue
            }
            var fields = ["name: \(quoted(name))", "type: \(type.rawValue)"]
            if record.ttl != zoneTTL { fields.append("ttl: \(Duration.seconds(Int64(record.ttl)))") }
            let strings = CanonicalRecord.characterStrings(record.rdata)
            if type == .TXT || type == .SPF, strings.count > 1, strings.dropLast().contains(where: { $0.count != 255 })
            {
                // Boundaries Baton would not draw itself are kept as a list.
                let list = strings.map { quoted(String(decoding: $0, as: UTF8.self)) }
                fields.append("value: [\(list.joined(separator: ", "))]")
            } else {
                fields.append("value: \(quoted(value(of: record, type: type, zone: zone)))")
            }
            lines.append("    - {\(fields.joined(separator: ", "))}")
            recordLines[lines.count] = index
            imported += 1
        }
        if imported == 0 { lines[lines.count - 1] = "  records: []" }
        return Output(
            yaml: lines.joined(separator: "\n") + "\n", notices: notices, recordLines: recordLines,
            rnameLine: rnameLine)
    }

    /// The YAML value of a record: names inside the zone made relative; TXT as its text.
    static func value(of record: CanonicalRecord, type: RecordType, zone: String) -> String {
        switch type {
        case .TXT, .SPF:
            let strings = CanonicalRecord.characterStrings(record.rdata)
            return String(decoding: strings.joined(), as: UTF8.self)
        case .CNAME, .NS, .PTR, .DNAME:
            return relativeTarget(record.rdata, zone: zone)
        case .MX:
            let f = record.rdata.split(separator: " ", maxSplits: 1).map(String.init)
            return f.count == 2 ? "\(f[0]) \(relativeTarget(f[1], zone: zone))" : record.rdata
        case .SRV:
            let f = record.rdata.split(separator: " ").map(String.init)
            return f.count == 4 ? "\(f[0]) \(f[1]) \(f[2]) \(relativeTarget(f[3], zone: zone))" : record.rdata
        default:
            return record.rdata
        }
    }

    /// The name relative to `zone` (lower case), in the case it was written: `OTHER.example.` is `OTHER`.
    /// Nil outside the zone.
    static func relative(_ owner: String, to zone: String) -> String? {
        let name = owner.hasSuffix(".") ? String(owner.dropLast()) : owner
        let lower = name.lowercased()
        if lower == zone || (zone.isEmpty && name.isEmpty) { return "@" }
        if zone.isEmpty { return name }
        guard lower.hasSuffix("." + zone), lower.utf8.count == name.utf8.count else { return nil }
        return String(decoding: name.utf8.dropLast(zone.utf8.count + 1), as: UTF8.self)
    }

    static func relativeTarget(_ target: String, zone: String) -> String {
        relative(target, to: zone) ?? target
    }

    /// `first\.last.example.com.` is `first.last@example.com`.
    static func email(fromMailbox mailbox: String) -> String? {
        var local = ""
        var rest = Substring(mailbox)
        while let c = rest.first {
            rest = rest.dropFirst()
            if c == "\\", let next = rest.first {
                local.append(next)
                rest = rest.dropFirst()
            } else if c == "." {
                break
            } else {
                local.append(c)
            }
        }
        let domain = rest.hasSuffix(".") ? String(rest.dropLast()) : String(rest)
        guard !local.isEmpty, !domain.isEmpty else { return nil }
        return "\(local)@\(domain)"
    }

    static func quoted(_ s: String) -> String { YAMLText.quoted(s) }
}

extension String {
    fileprivate init?(validatingUTF8Bytes bytes: [UInt8]) {
        var iterator = bytes.makeIterator()
        var utf8 = UTF8()
        var out = String.UnicodeScalarView()
        while true {
            switch utf8.decode(&iterator) {
            case .scalarValue(let scalar): out.append(scalar)
            case .emptyInput:
                self.init(out)
                return
            case .error: return nil
            }
        }
    }
}
