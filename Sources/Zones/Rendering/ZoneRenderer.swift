import Manifests

/// Renders a zone to a BIND master file: deterministic (same manifests and serial, same bytes), one record a
/// line so that every line maps back to the YAML record that produced it.
package enum ZoneRenderer {
    package static func render(_ input: ZoneInput, serial: UInt32) -> RenderedZone {
        fill(template(for: input), serial: serial)
    }

    /// Renders once: the serial comes from the source, which may compare the content hash with history.
    package static func render(_ input: ZoneInput, serials: some SerialSource) -> RenderedZone {
        let template = template(for: input)
        // The hash (every record as a canonical line, sorted) is worked out only for a source that reads it.
        let hash = serials.needsContentHash ? contentHash(input) : ""
        return fill(template, serial: serials.serial(for: input.origin, contentHash: hash))
    }

    /// A zone's text up to its serial, as bytes: the serial is written in by `fill`, which makes the one `String`.
    struct Template {
        var input: ZoneInput
        var members: [Domain]
        var bytes: [UInt8]
        /// Where the serial goes in `bytes`.
        var serialAt: Int
        var origins: [RenderedZone.LineOrigin]
    }

    static func fill(_ template: Template, serial: UInt32) -> RenderedZone {
        let bytes = template.bytes
        let at = template.serialAt
        let number = String(serial).utf8
        let text = String(unsafeUninitializedCapacity: bytes.count + number.count) { out in
            var n = 0
            for b in bytes[..<at] {
                out[n] = b
                n += 1
            }
            for b in number {
                out[n] = b
                n += 1
            }
            for b in bytes[at...] {
                out[n] = b
                n += 1
            }
            return n
        }
        return RenderedZone(
            origin: template.input.origin, serial: serial, text: text, input: template.input,
            members: template.members, origins: template.origins, serialAt: at)
    }

    /// The rendering with the serial left as a token, whose hash decides whether the serial must rise.
    package static func contentHash(_ input: ZoneInput) -> String {
        SHA256.hex(canonicalLines(input).joined(separator: "\n"))
    }

    /// The zone's content in a canonical form: the SOA's timers and names, then every record as an absolute
    /// line with its TTL resolved, sorted. What a zone serves does not depend on the order records were
    /// written in, the files they came from or the serial, and neither does this.
    package static func canonicalLines(_ input: ZoneInput) -> [String] {
        let domain = input.domain
        let origin = domain.name
        let nameServers = input.nameServers.filter(isSafe)
        let soa = domain.spec.soa
        let rname = mailbox(
            soa.rname.flatMap { isSafe($0) && !$0.contains(where: { ";()\" \\".contains($0) }) ? $0 : nil }
                ?? "hostmaster@\(origin)")
        var records: [String] = []
        if !domain.spec.records.contains(where: { $0.type == .NS && $0.name == "@" }) {
            records += nameServers.map { "\(origin). \(domain.spec.ttl.seconds) IN NS \($0.lowercased())." }
        }
        for member in [domain] + input.subdomains {
            for record in member.spec.records where isSafe(record.name) && isSafe(record.value) {
                let owner = record.name == "@" ? member.name : "\(record.name.lowercased()).\(member.name)"
                let ttl = (record.ttl ?? member.spec.ttl).seconds
                records.append("\(owner). \(ttl) IN \(record.type.rawValue) \(rdata(record))")
            }
        }
        let head =
            "\(origin). SOA \(nameServers.first.map { $0 + "." } ?? "ns.\(origin).") \(rname) "
            + "\(soa.refresh.seconds) \(soa.retry.seconds) \(soa.expire.seconds) \(soa.minimum.seconds) "
            + "$TTL \(domain.spec.ttl.seconds)"
        return [head] + records.sorted()
    }

    /// Written as bytes: a zone is a few hundred short appends, which cost a `String` more than an array.
    static func template(for input: ZoneInput) -> Template {
        let domain = input.domain
        let origin = domain.name
        let members =
            input.subdomains.isEmpty ? [domain] : [domain] + input.subdomains.sorted(by: { $0.name < $1.name })
        let recordCount = members.reduce(0) { $0 + $1.spec.records.count }
        var text: [UInt8] = []
        text.reserveCapacity(64 * (recordCount + 8))
        var origins: [RenderedZone.LineOrigin] = []
        origins.reserveCapacity(recordCount + 8)
        func put(_ s: String) { text.append(contentsOf: s.utf8) }
        func put(_ n: Int64) { text.append(contentsOf: String(n).utf8) }
        func endLine(_ from: RenderedZone.LineOrigin = .none) {
            text.append(UInt8(ascii: "\n"))
            origins.append(from)
        }
        let files =
            input.subdomains.isEmpty
            ? [printable(domain.origin.file)]
            : Array(Set(([domain] + input.subdomains).map { printable($0.origin.file) })).sorted()
        put("; zone ")
        put(origin)
        put(", rendered by Baton from ")
        for (k, file) in files.enumerated() {
            if k > 0 { put(", ") }
            put(file)
        }
        put("; do not edit")
        endLine()
        // The zone's own names and default TTL, and a merged subdomain's after it.
        func originAndTTL(_ member: Domain) {
            put("$ORIGIN ")
            put(member.name)
            put(".")
            endLine()
            put("$TTL ")
            put(member.spec.ttl.seconds)
            endLine()
        }
        originAndTTL(domain)
        let soa = domain.spec.soa
        // Values the rules refuse never reach the file: a line break in one would add lines of its own.
        let nameServers = input.nameServers.filter(isSafe)
        put("@\tIN\tSOA\t")
        if let primary = nameServers.first {
            put(primary)
            put(".")
        } else {
            put("ns.")
            put(origin)
            put(".")
        }
        put(" ")
        put(
            mailbox(
                soa.rname.flatMap { isSafe($0) && !$0.contains(where: { ";()\" \\".contains($0) }) ? $0 : nil }
                    ?? "hostmaster@\(origin)"))
        put(" ")
        let serialAt = text.count
        for timer in [soa.refresh, soa.retry, soa.expire, soa.minimum] {
            put(" ")
            put(timer.seconds)
        }
        endLine(.init(member: 0, record: RenderedZone.LineOrigin.soaLine))
        let hasApexNS = domain.spec.records.contains { $0.type == .NS && $0.name == "@" }
        if !hasApexNS {
            for (k, server) in nameServers.enumerated() {
                put("@\tIN\tNS\t")
                put(server)
                put(".")
                endLine(.init(member: 0, record: RenderedZone.LineOrigin.defaultNS - Int32(k)))
            }
        }
        for (m, member) in members.enumerated() {
            // A merged subdomain keeps its own relative names and default TTL.
            if member.name != origin { originAndTTL(member) }
            let records = member.spec.records
            for r in records.indices where isSafe(records[r].name) && isSafe(records[r].value) {
                put(records[r].name)
                if let ttl = records[r].ttl {
                    put("\t")
                    put(ttl.seconds)
                }
                put("\tIN\t")
                put(records[r].type.rawValue)
                put("\t")
                // The value in place: handing the record to `rdata` copied it (every string retained) for each line.
                if records[r].type == .TXT || records[r].type == .SPF {
                    put(rdata(records[r]))
                } else {
                    put(records[r].value)
                }
                endLine(.init(member: Int32(m), record: Int32(r)))
            }
        }
        return Template(input: input, members: members, bytes: text, serialAt: serialAt, origins: origins)
    }

    /// No line break or other control character (a tab is allowed).
    static func isSafe(_ s: String) -> Bool {
        !s.utf8.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }
    }

    static func printable(_ s: String) -> String {
        // Control characters are single bytes below 0x20 or 0x7F: a name without those is printable as it is.
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }

    /// The record's data as a zone file reads it. TXT is quoted here; every other type is written as in YAML,
    /// which the record rules already hold to zone-file syntax.
    static func rdata(_ record: DNSRecord) -> String {
        guard record.type == .TXT || record.type == .SPF else { return record.value }
        if let strings = record.strings { return strings.map(quotedStrings).joined(separator: " ") }
        return quotedStrings(record.value)
    }

    /// `"..." "..."`: 255-byte character-strings, `"` and `\` escaped, bytes outside printable ASCII as `\DDD`.
    package static func quotedStrings(_ text: String) -> String {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return "\"\"" }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var start = 0
        while start < bytes.count {
            if start > 0 { out.append(0x20) }
            out.append(UInt8(ascii: "\""))
            for b in bytes[start..<min(bytes.count, start + 255)] {
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    out.append(UInt8(ascii: "\\"))
                    out.append(b)
                case 0x20...0x7E:
                    out.append(b)
                default:
                    out.append(UInt8(ascii: "\\"))
                    out.append(0x30 + b / 100)
                    out.append(0x30 + (b / 10) % 10)
                    out.append(0x30 + b % 10)
                }
            }
            out.append(UInt8(ascii: "\""))
            start += 255
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func format3(_ b: UInt8) -> String {
        let s = String(b)
        return String(repeating: "0", count: 3 - s.count) + s
    }

    /// `hostmaster@example.com` as a domain name: dots in the local part escaped.
    static func mailbox(_ email: String) -> String {
        guard let at = email.lastIndex(of: "@") else { return email + "." }
        var out = ""
        for c in email[..<at] {
            if c == "." { out += "\\" }
            out.append(c)
        }
        return "\(out).\(email[email.index(after: at)...])."
    }

    static func target(of record: DNSRecord, origin: String) -> String? {
        let name: Substring?
        switch record.type {
        case .CNAME, .NS, .PTR, .DNAME: name = Substring(record.value)
        case .MX: name = record.value.split(separator: " ").last
        case .SRV: name = record.value.split(separator: " ").last
        default: name = nil
        }
        guard let name else { return nil }
        if name == "@" { return origin }
        if name.hasSuffix(".") { return String(name.dropLast()).lowercased() }
        return "\(name).\(origin)".lowercased()
    }
}
