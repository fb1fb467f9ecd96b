/// Reads `named-checkzone` 9.18's output (all on stdout) into messages. The four shapes:
/// `dns_rdata_fromtext: FILE:LINE: near 'X': ...`, `dns_master_load: FILE:LINE: [OWNER: ]...`,
/// `FILE:LINE: ...`, and `zone NAME/IN: ...` lines that carry no line, only names.
package enum NamedCheckzoneOutput {
    /// Texts that stay warnings even when the zone failed for another reason: what BIND logs at warning level
    /// (master.c's `callbacks->warn`, zone.c's `ISC_LOG_WARNING`), the built-in checker's warnings word for word,
    /// so that a message's severity does not depend on the checker that gives it (`CheckerSeverityTests`).
    static let warningTexts = [
        "warning", "ignoring out-of-zone data", "using RFC1035 TTL semantics", "record with inherited owner",
        "non-terminal wildcard", "signature has expired", "deprecated", "has semantically identical records",
        // BIND goes on with a TTL of 0 (dns_master_load logs it as a warning), whether or not the zone then loads.
        "> MAXTTL, setting", "no TTL specified; using SOA MINTTL instead", "TTL set to prior TTL",
        "file does not end with newline", "old style DNSSEC", "found type SPF record but no SPF TXT record",
        "nsec3 test \"unknown\" hash algorithm", "unsupported nsec3 hash algorithm", "excessive NSEC3PARAM iterations",
    ]

    static let missingNewline = "file does not end with newline"

    /// `options` are the flags BIND ran with: whether a message failed the zone depends on them (`-m fail` makes
    /// an MX target without addresses fatal, `-m warn` only a warning), and BIND's output does not say.
    package static func parse(
        _ output: String, exitCode: Int32, zone: String, options: ZoneCheckOptions = .standard
    ) -> ZoneCheckReport {
        let loaded = exitCode == 0
        var messages: [ZoneMessage] = []
        var loadFailure: ZoneMessage?
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = String(raw)
            if line == "OK" { continue }
            if line.hasPrefix("zone ") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let start = line.index(colon, offsetBy: 2, limitedBy: line.endIndex) ?? line.endIndex
                let text = String(line[start...])
                if text.hasPrefix("loaded serial") || text.hasPrefix("not loaded due to errors") { continue }
                if text.hasPrefix("loading from master file") {
                    let reason = text.range(of: "failed: ").map { String(text[$0.upperBound...]) } ?? text
                    loadFailure = ZoneMessage(.error, owner: zone, text: reason)
                    continue
                }
                messages.append(zoneLevel(text, zone: zone, severity: severity(text, loaded: loaded, options: options)))
                continue
            }
            var rest = Substring(line)
            var generate = false
            if rest.hasPrefix("$GENERATE: ") {
                // `$GENERATE: FILE:LINE: ...`: the directive's own errors, kept in the text as BIND words them.
                rest = rest.dropFirst("$GENERATE: ".count)
                generate = true
            }
            for prefix in ["dns_rdata_fromtext: ", "dns_master_load: "] where rest.hasPrefix(prefix) {
                rest = rest.dropFirst(prefix.count)
            }
            if let located = fileLine(rest) {
                var text = generate ? "$GENERATE: " + located.text : located.text
                var owner: String?
                if !generate, !text.hasPrefix("near '"), !text.hasPrefix("warning:"), let colon = text.range(of: ": "),
                    !text[..<colon.lowerBound].contains(" ")
                {
                    owner = normalise(String(text[..<colon.lowerBound]))
                    text = String(text[colon.upperBound...])
                    text = "\(owner ?? ""): \(text)"
                }
                messages.append(
                    ZoneMessage(
                        severity(text, loaded: loaded, options: options), file: located.file, line: located.line,
                        owner: owner, text: text
                    ))
            } else if rest.hasSuffix(": " + missingNewline) {
                // `FILE: file does not end with newline`: after a directive, BIND names the file and no line.
                let file = String(rest.dropLast(missingNewline.count + 2))
                messages.append(
                    ZoneMessage(
                        severity(missingNewline, loaded: loaded, options: options), file: file, text: missingNewline))
            } else {
                messages.append(ZoneMessage(severity(line, loaded: loaded, options: options), owner: zone, text: line))
            }
        }
        // The message BIND names as the reason the load failed is an error whatever its words usually weigh (a
        // bad NSEC3 owner name fails the zone where check-names only warns): the last one that says it.
        if let loadFailure, !messages.contains(where: { $0.severity == .error }),
            let cause = messages.lastIndex(where: { $0.text.hasSuffix(": " + loadFailure.text) })
        {
            messages[cause].severity = .error
        }
        // The summary's reason says nothing new when a located error said it first; it is kept only alone,
        // as for `$TTL` errors, which BIND reports without a line.
        if let loadFailure, !messages.contains(where: { $0.severity == .error }) {
            messages.append(loadFailure)
        }
        return ZoneCheckReport(loaded: loaded, messages: messages)
    }

    static func severity(_ text: String, loaded: Bool, options: ZoneCheckOptions) -> ZoneMessage.Severity {
        if loaded { return .warning }
        if let mode = mode(of: text, options) { return mode == .fail ? .error : .warning }
        return warningTexts.contains(where: { text.contains($0) }) ? .warning : .error
    }

    /// The setting that decides a message's weight, for the messages a setting decides (BIND's `zone_check_mx`,
    /// `zone_check_srv`, `zone_check_glue`, `-r` and check-names); nil for the others.
    static func mode(of text: String, _ o: ZoneCheckOptions) -> ZoneCheckOptions.Mode? {
        let head = text.prefix { $0 != " " }
        if head.hasSuffix("/MX") {
            if text.contains("has no address records") { return o.mxAddress == .fail ? .fail : .warn }
            if text.contains("is a CNAME") || text.contains("is below a DNAME") { return o.mxCNAME }
        }
        if head.hasSuffix("/SRV") {
            // An SRV target without addresses never fails a load (BIND: "XXX950 make fatal for 9.5.0").
            if text.contains("has no address records") { return .warn }
            if text.contains("is a CNAME") || text.contains("is below a DNAME") { return o.srvCNAME }
        }
        // A delegation's name servers (`sub/NS 'ns.sub'`) are logged, never fatal; the apex's (`NS 'x'`) are.
        if head.hasSuffix("/NS") { return .warn }
        if text.contains("has semantically identical records") { return o.duplicateRecords }
        if text.contains("bad owner name (check-names)") || text.contains("bad name (check-names)") {
            return o.checkNames
        }
        if text.contains("appears to be an address") { return text.hasPrefix("NS ") ? o.nsAddress : o.mxAddress }
        return nil
    }

    static func fileLine(_ s: Substring) -> (file: String, line: Int, text: String)? {
        // FILE:LINE: TEXT, where FILE may hold no ": ".
        var search = s.startIndex
        while let colon = s[search...].firstIndex(of: ":") {
            let afterColon = s.index(after: colon)
            let digits = s[afterColon...].prefix(while: \.isNumber)
            if !digits.isEmpty, s[digits.endIndex...].hasPrefix(": "), let line = Int(digits) {
                let text = s[s.index(digits.endIndex, offsetBy: 2)...]
                return (String(s[..<colon]), line, String(text))
            }
            search = afterColon
        }
        return nil
    }

    /// `OWNER/TYPE 'TARGET' ...`, `NS 'TARGET' ...`, `'NAME' found type SPF ...`, `OWNER/TYPE ...`.
    static func zoneLevel(_ text: String, zone: String, severity: ZoneMessage.Severity) -> ZoneMessage {
        let quoted = text.split(separator: "'", omittingEmptySubsequences: false)
        let target = quoted.count >= 3 ? normalise(String(quoted[1])) : nil
        if text.hasPrefix("NS '") {
            return ZoneMessage(severity, type: "NS", target: target, text: text)
        }
        if text.hasPrefix("'"), text.contains("found type SPF") {
            return ZoneMessage(severity, owner: target, type: "SPF", text: text)
        }
        let head = text.prefix { $0 != " " }
        if let slash = head.firstIndex(of: "/") {
            let owner = normalise(String(head[..<slash]))
            let type = String(head[head.index(after: slash)...])
            return ZoneMessage(
                severity, owner: owner, type: type, target: text.contains("'") ? target : nil, text: text)
        }
        if text.hasPrefix("has ") { return ZoneMessage(severity, owner: zone, text: text) }
        return ZoneMessage(severity, text: text)
    }

    static func normalise(_ name: String) -> String {
        (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased()
    }
}
