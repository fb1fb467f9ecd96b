import Foundation
import Manifests

/// Per-type checks of a record's value, as a zone file would read it.
enum RecordRules {
    static func check(_ record: DNSRecord, in domain: Domain, _ f: inout Findings) {
        let o = domain.origin
        if let problem = nameProblem(record, zone: domain.name) {
            f.error(
                at: o.location(of: record, \.name), "record.name", "record name '\(record.name)' \(problem)",
                hint: "write the name relative to the zone: `@` for the apex, `www`, `*.dev`, `_dmarc`")
            return
        }
        if let ttl = record.ttl, ttl.seconds > DomainRules.maxTTL {
            f.error(
                at: o.location(of: record, \.ttl), "record.ttl",
                "TTL \(ttl) is more than the DNS maximum of 2147483647 seconds",
                hint: "use a shorter TTL; 5m to 1d is usual")
        }
        if let problem = valueProblem(record) {
            f.error(
                at: o.location(of: record, \.value), "record.\(valueRuleName(record.type))",
                "\(record.type.rawValue) value '\(printable(record.value))' \(problem.message)", hint: problem.hint)
        }
        if record.type == .CNAME, record.name == "@" {
            f.error(
                at: o.location(of: record, \.name), "record.cname",
                "a CNAME cannot be at the zone apex, which holds the SOA and NS records",
                hint: "use A/AAAA records at `@`, or put the CNAME on `www`")
        }
        if record.type == .SRV, !isServiceOwner(record.name) {
            f.error(
                at: o.location(of: record, \.name), "record.srv",
                "SRV owner '\(record.name)' is not of the form _service._proto",
                hint: "name SRV records like `_sip._tcp`, `_imaps._tcp.mail` or `*._tcp`")
        }
    }

    /// The value as a message may quote it: at most 80 characters, control characters escaped for the terminal.
    static func printable(_ value: String) -> String {
        String(value.prefix(80)).unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0)
        }
        .joined()
    }

    static func fqdn(_ name: String, zone: String) -> String? {
        if name == "@" { return zone }
        if name.hasSuffix(".") { return nil }
        return "\(name.lowercased()).\(zone)"
    }

    static func nameProblem(_ record: DNSRecord, zone: String) -> String? {
        let name = record.name
        if name == "@" { return nil }
        if name.hasSuffix(".") { return "is absolute; names are relative to the zone" }
        if name.hasByte("@") { return "may not contain `@` except as the whole name" }
        var labels = name.splitByByte(".", omittingEmptySubsequences: false)
        if labels.first == "*" { labels.removeFirst() }
        if labels.contains("*") { return "has a wildcard that is not the leftmost label" }
        for label in labels {
            if let problem = DNSName.labelProblem(label, allowUnderscore: true) {
                return problem.replacingOccurrences(of: "it has", with: "has")
            }
        }
        if name.utf8.count + 1 + zone.utf8.count > DNSName.maxLength { return "makes a name longer than 253 bytes" }
        return nil
    }

    /// `_service._proto[.name]`, or a wildcard standing for the service (`*._tcp`, `*._udp.mail`), which is
    /// legal and used.
    static func isServiceOwner(_ name: String) -> Bool {
        let labels = name.splitByByte(".")
        if labels.first == "*" { return labels.count >= 2 && labels[1].hasPrefix("_") }
        return labels.count >= 2 && labels[0].hasPrefix("_") && labels[1].hasPrefix("_")
    }

    struct Problem {
        var message: String
        var hint: String
    }

    static func valueProblem(_ record: DNSRecord) -> Problem? {
        let value = record.value
        // Printable ASCII and tabs hold no line break and no control character: almost every value, in one pass.
        if !value.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }) {
            // Bytes, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
            if value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
                return Problem(message: "contains a line break", hint: "write the value on one line")
            }
            // NEL and the Unicode line and paragraph separators break lines too (YAML writes them as `\N`, `\L`,
            // `\P`).
            if value.unicodeScalars.contains(where: { $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029 }) {
                return Problem(message: "contains a line break", hint: "write the value on one line")
            }
            if value.unicodeScalars.contains(where: isControl) {
                return Problem(
                    message: "contains a control character", hint: "remove control characters from the value")
            }
        }
        let fields = { value.splitByByte(" ").map(String.init) }
        switch record.type {
        case .A:
            return IPAddress.isIPv4(value)
                ? nil : Problem(message: "is not an IPv4 address", hint: "write four numbers 0-255, e.g. 192.0.2.10")
        case .AAAA:
            return IPAddress.isIPv6(value)
                ? nil : Problem(message: "is not an IPv6 address", hint: "write an address such as 2001:db8::10")
        case .CNAME, .PTR:
            let name = value.hasSuffix(".") ? String(value.dropLast()) : value
            if IPAddress.looksLikeIPv4(name) || IPAddress.isIPv6(name) {
                // A zone file reads `192.0.2.1` as the name `192.0.2.1.<zone>`, which is never what was meant.
                return Problem(
                    message: "is an address; \(record.type.rawValue) records name a host",
                    hint: "write the host's name; an address belongs in an A or AAAA record")
            }
            return targetProblem(value, allowUnderscore: true, allowRoot: false)
        case .NS:
            if IPAddress.looksLikeIPv4(value) || IPAddress.isIPv6(value) {
                return Problem(
                    message: "is an address; NS records name a host",
                    hint: "write the name server's host name, and give it an A record")
            }
            return targetProblem(value, allowUnderscore: false, allowRoot: false)
        case .MX:
            let fields = fields()
            guard fields.count == 2, let preference = UInt16(fields[0]) else {
                return Problem(
                    message: "is not `PREFERENCE HOST`", hint: "write e.g. `10 mail` or `10 mx.example.net.`")
            }
            _ = preference
            if IPAddress.looksLikeIPv4(fields[1]) || IPAddress.isIPv6(fields[1]) {
                return Problem(
                    message: "points at an address; MX records name a host",
                    hint: "write e.g. `10 mail` and give `mail` an A record")
            }
            return targetProblem(fields[1], allowUnderscore: false, allowRoot: true)
        case .SRV:
            let fields = fields()
            guard fields.count == 4, UInt16(fields[0]) != nil, UInt16(fields[1]) != nil, UInt16(fields[2]) != nil else {
                return Problem(
                    message: "is not `PRIORITY WEIGHT PORT TARGET` (three numbers 0-65535 and a host)",
                    hint: "write e.g. `10 5 5060 sip`")
            }
            return targetProblem(fields[3], allowUnderscore: false, allowRoot: true)
        case .CAA:
            return caaProblem(value)
        case .TXT, .SPF:

            if value.utf8.count > 4000 {
                return Problem(message: "is \(value.utf8.count) bytes long; at most 4000", hint: "shorten the text")
            }
            if let long = record.strings?.first(where: { $0.utf8.count > 255 }) {
                return Problem(
                    message: "has a string of \(long.utf8.count) bytes; each string of a list is at most 255",
                    hint: "split it, or write the value as one string and let Baton split it")
            }
            return nil
        default:
            // Other types are written as in a zone file and parsed by the zone checkers; outside quotes,
            // a `;` would cut the record short and a parenthesis would pull the next lines into it.
            return unquotedSpecial(value).map {
                Problem(
                    message: "has an unquoted `\($0)`", hint: "quote text that holds `;`, `(` or `)`, as in a zone file"
                )
            }
        }
    }

    /// C0 controls but the tab, DEL and the C1 controls (U+0080 to U+009F).
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s.value != 0x09) || (s.value >= 0x7F && s.value <= 0x9F)
    }

    static func unquotedSpecial(_ value: String) -> Character? {
        var quoted = false
        var escaped = false
        for c in value {
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                quoted.toggle()
            } else if !quoted, c == ";" || c == "(" || c == ")" {
                return c
            }
        }
        return nil
    }

    /// `record.a` and the like for the types parsed field by field (SPF shares TXT's); `record.value` for the
    /// others, whose values are only held to zone-file syntax here.
    static func valueRuleName(_ type: RecordType) -> String {
        if type == .SPF { return "txt" }
        return RecordType.validated.contains(type) ? type.rawValue.lowercased() : "value"
    }

    static func targetProblem(_ target: String, allowUnderscore: Bool, allowRoot: Bool) -> Problem? {
        if target == "." {
            return allowRoot ? nil : Problem(message: "is the root, which is not a host", hint: "name a host")
        }
        if target == "@" { return nil }
        let name = target.hasSuffix(".") ? String(target.dropLast()) : target
        if let problem = DNSName.hostProblem(name, allowUnderscore: allowUnderscore) {
            return Problem(
                message: "is not a valid host name: \(problem)",
                hint: "write a name relative to the zone (`mail`) or absolute with a trailing dot (`mx.example.net.`)")
        }
        return nil
    }

    /// `FLAGS TAG "VALUE"` (RFC 8659).
    static func caaProblem(_ value: String) -> Problem? {
        let hint = "write e.g. `0 issue \"letsencrypt.org\"` or `0 iodef \"mailto:security@example.com\"`"
        let parts = value.splitByByte(" ", maxSplits: 2)
        guard parts.count == 3, let flags = UInt8(parts[0]) else {
            return Problem(message: "is not `FLAGS TAG \"VALUE\"`", hint: hint)
        }
        _ = flags
        let tag = String(parts[1])
        // ASCII letters and digits: one byte each, so bytes count as characters.
        guard !tag.isEmpty, tag.utf8.count <= 15, tag.utf8.allSatisfy(DNSName.isAlnum) else {
            return Problem(message: "has an invalid tag '\(tag)'", hint: hint)
        }
        var text = String(parts[2])
        // Quotes at both ends of one character or more are two characters, whatever the bytes.
        guard text.utf8.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else {
            return Problem(message: "has a value that is not in double quotes", hint: hint)
        }
        text = String(text.dropFirst().dropLast())
        switch tag.lowercased() {
        case "issue", "issuewild":
            let issuer = trimmed(text.splitByByte(";", maxSplits: 1, omittingEmptySubsequences: false)[0])
            if !issuer.isEmpty, DNSName.hostProblem(issuer, allowUnderscore: false) != nil {
                return Problem(message: "names an issuer '\(issuer)' that is not a domain name", hint: hint)
            }
        case "iodef":
            if !isIodefURL(text) {
                return Problem(message: "has an iodef value that is not a mailto: or http(s): URL", hint: hint)
            }
        default:
            break
        }
        return nil
    }

    /// Without the spaces and tabs at either end (Foundation's `.whitespaces`), by bytes for ASCII text: every CAA
    /// record of a repository passes here.
    static func trimmed(_ text: Substring) -> String {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.trimmingCharacters(in: .whitespaces) }
        let blank = { (c: UInt8) in c == 0x20 || c == 0x09 }
        let utf8 = text.utf8
        guard let start = utf8.firstIndex(where: { !blank($0) }), let last = utf8.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(text[start...last])
    }

    /// RFC 8659 §4.4: `mailto:` with an address, or `http(s)://` with a host; a scheme alone reports nowhere.
    static func isIodefURL(_ text: String) -> Bool {
        if text.hasPrefix("mailto:") {
            let address = text.dropFirst("mailto:".count).prefix { $0 != "?" }
            guard let at = address.lastIndex(of: "@"), at != address.startIndex else { return false }
            let host = String(address[address.index(after: at)...])
            return DNSName.hostProblem(host, allowUnderscore: false) == nil
        }
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) {
            let authority = text.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            let host = authority.split(separator: "@").last.map { $0.prefix { $0 != ":" } } ?? ""
            return !host.isEmpty
                && (DNSName.hostProblem(String(host), allowUnderscore: false) == nil
                    || IPAddress.isIPv4(String(host)) || (host.hasPrefix("[") && host.hasSuffix("]")))
        }
        return false
    }
}
