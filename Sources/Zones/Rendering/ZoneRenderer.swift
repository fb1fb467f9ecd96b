import Manifests

/// Renders a zone to a BIND master file: deterministic (same manifests and serial, same bytes), one record a
/// line so that every line maps back to the YAML record that produced it.
package enum ZoneRenderer {
    static let serialToken = "@SERIAL@"

    package static func render(_ input: ZoneInput, serial: UInt32) -> RenderedZone {
        fill(template(for: input), serial: serial)
    }

    /// Renders once: the serial comes from the source, which may compare the content hash with history.
    package static func render(_ input: ZoneInput, serials: some SerialSource) -> RenderedZone {
        let template = template(for: input)
        // The hash (every record as a canonical line, sorted) is worked out only for a source that reads it.
        let hash = serials.needsContentHash ? template.contentHash : ""
        return fill(template, serial: serials.serial(for: input.origin, contentHash: hash))
    }

    static func fill(_ template: RenderedZone, serial: UInt32) -> RenderedZone {
        var zone = template
        // The template knows where its token is: the text is copied around it, not searched.
        let utf8 = template.text.utf8
        let at = utf8.index(utf8.startIndex, offsetBy: template.serialAt)
        let end = utf8.index(at, offsetBy: serialToken.utf8.count)
        var text = ""
        text.reserveCapacity(utf8.count + 2)
        text += template.text[..<at]
        text += String(serial)
        text += template.text[end...]
        zone.text = text
        zone.serial = serial
        return zone
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

    static func template(for input: ZoneInput) -> RenderedZone {
        let domain = input.domain
        let origin = domain.name
        let members = [domain] + input.subdomains.sorted(by: { $0.name < $1.name })
        var text = ""
        text.reserveCapacity(64 * (members.reduce(0) { $0 + $1.spec.records.count } + 8))
        var origins: [RenderedZone.LineOrigin] = []
        origins.reserveCapacity(members.reduce(0) { $0 + $1.spec.records.count } + 8)
        func add(_ line: String, _ from: RenderedZone.LineOrigin = .none) {
            text += line
            text += "\n"
            origins.append(from)
        }
        let files = ([domain] + input.subdomains).map { printable($0.origin.file) }
        add(
            "; zone \(origin), rendered by Baton from \(Array(Set(files)).sorted().joined(separator: ", ")); do not edit"
        )
        add("$ORIGIN \(origin).")
        add("$TTL \(domain.spec.ttl.seconds)")
        let soa = domain.spec.soa
        // Values the rules refuse never reach the file: a line break in one would add lines of its own.
        let nameServers = input.nameServers.filter(isSafe)
        let mname = nameServers.first.map { $0 + "." } ?? "ns.\(origin)."
        let rname = mailbox(
            soa.rname.flatMap { isSafe($0) && !$0.contains(where: { ";()\" \\".contains($0) }) ? $0 : nil }
                ?? "hostmaster@\(origin)")
        text += "@\tIN\tSOA\t\(mname) \(rname) "
        let serialAt = text.utf8.count
        add(
            "\(serialToken) \(soa.refresh.seconds) \(soa.retry.seconds) \(soa.expire.seconds) \(soa.minimum.seconds)",
            .init(member: 0, record: RenderedZone.LineOrigin.soaLine))
        let hasApexNS = domain.spec.records.contains { $0.type == .NS && $0.name == "@" }
        if !hasApexNS {
            for (k, server) in nameServers.enumerated() {
                add("@\tIN\tNS\t\(server).", .init(member: 0, record: RenderedZone.LineOrigin.defaultNS - Int32(k)))
            }
        }
        for (m, member) in members.enumerated() {
            if member.name != origin {
                // A merged subdomain keeps its own relative names and default TTL.
                add("$ORIGIN \(member.name).")
                add("$TTL \(member.spec.ttl.seconds)")
            }
            for (r, record) in member.spec.records.enumerated() where isSafe(record.name) && isSafe(record.value) {
                text += record.name
                if let ttl = record.ttl {
                    text += "\t"
                    text += String(ttl.seconds)
                }
                text += "\tIN\t"
                text += record.type.rawValue
                text += "\t"
                add(rdata(record), .init(member: Int32(m), record: Int32(r)))
            }
        }
        return RenderedZone(
            origin: origin, serial: 0, text: text, input: input, members: members, origins: origins, serialAt: serialAt)
    }

    /// No line break or other control character (a tab is allowed).
    static func isSafe(_ s: String) -> Bool {
        !s.utf8.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }
    }

    static func printable(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
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
