/// Zones on BIND: the zone file under Baton's folder, checked with the server's own `named-checkzone` before it
/// replaces the old one; one stanza file per zone, gathered into the include file of `named.conf` and checked by
/// `named-checkconf` once per run when a stanza came, went or changed, then `rndc reconfig`; a zone whose stanza
/// stayed is reloaded alone (`rndc reload ZONE`). Secondaries get a `type secondary` stanza with the primary's
/// address and transfer the zone themselves.
enum DomainBackend {
    /// `batched`: the run's `ZoneBatch` checked this operation's zone with the others; when the whole batch
    /// passed, named-checkzone does not run again.
    static func render(_ step: Step, context: ApplyContext, batched: Bool = false, into s: inout ScriptBuilder) throws {
        let origin = step.change.id.name
        guard isOrigin(origin) else {
            throw BackendError(description: "Domain \(origin): not a name that can be written in named.conf")
        }
        let layout = context.layout
        let zoneFile = "\(layout.zones)/\(origin).zone"
        let stanzas = "\(layout.state)/named"
        let stanza = "\(stanzas)/\(origin).conf"
        try Prelude.sharedFolder(layout.zones, "bind bind 0755", &s)
        try Prelude.sharedFolder(stanzas, "root root 0755", &s)
        if step.change.action == .delete {
            try s.command("rm -f --", .value(stanza))
            s.code("echo named >> \"$baton_todo\"")
            try s.command("baton_archive", .value(zoneFile), .value(layout.archive + "/zones"), .value(origin))
            return
        }
        let role = step.scalar("role") ?? "primary"
        var conf: String
        if role == "primary" {
            guard let text = context.zones[origin] else {
                throw BackendError(description: "Domain \(origin): the zone was not rendered for this run")
            }
            // Written beside the live file and checked by the server's BIND before it replaces it.
            let candidate = zoneFile + ".candidate"
            try s.writeScratch(Array(text.utf8), to: candidate, mode: "0644")
            let soa = try Self.soaSerial(of: text, origin: origin)
            try s.command(
                "baton_zone_serial", .value(zoneFile), .value(candidate), .number(soa.line), .number(Int(soa.serial)),
                .value(origin))
            // The batch checked the same text (but for a serial raised above), with the same checks.
            if batched { s.code("if [ -e \"$baton_run/zones/ok\" ]; then :; else") }
            try s.command(
                "if ! named-checkzone -q -i local -k fail -n fail -m fail -M fail -S fail --", .value(origin),
                .value(candidate),
                "; then named-checkzone -i local -k fail -n fail -m fail -M fail -S fail --", .value(origin),
                .value(candidate), ">&2; rm -f --", .value(candidate), "; exit 1; fi")
            if batched { s.code("fi") }
            try s.command("baton_mv", .value(candidate), .value(zoneFile))
            let secondaries = step.list("secondaries").filter(isAddress)
            conf = "zone \"\(origin)\" {\n  type primary;\n  file \"\(zoneFile)\";\n"
            if !secondaries.isEmpty {
                let list = secondaries.map { "\($0);" }.joined(separator: " ")
                conf += "  notify yes;\n  also-notify { \(list) };\n  allow-transfer { \(list) };\n"
            }
            conf += "};\n"
        } else {
            guard let primary = step.scalar("primary"), isAddress(primary) else {
                throw BackendError(description: "Domain \(origin): a secondary needs its primary's address")
            }
            conf =
                "zone \"\(origin)\" {\n  type secondary;\n  primaries { \(primary); };\n  file \"\(zoneFile)\";\n};\n"
        }
        try s.command("baton_was_new=0; [ -e", .value(stanza), "] || baton_was_new=1")
        // The configuration is gathered, checked and reloaded only when a stanza changed: at 20,000 zones that is
        // seconds of named-checkconf and reconfig, where one zone's new records need only that zone reloaded.
        let staged = ScriptBuilder.temporary(stanza)
        try s.writeScratch(Array(conf.utf8), to: staged, mode: "0644")
        try s.command(
            "if [ $baton_was_new = 0 ] && cmp -s --", .value(staged), .value(stanza), "; then rm -f --", .value(staged),
            "; else baton_mv", .value(staged), .value(stanza), "&& echo named >> \"$baton_todo\"; fi")
        if role == "primary" {
            // A zone BIND has loaded already is reloaded by name; a new one is loaded by the reconfiguration.
            try s.command(
                "if [ $baton_was_new = 0 ]; then echo", .value("reload \(origin)"), ">> \"$baton_todo\"; fi")
        } else {
            // A new secondary transfers at once rather than at its first refresh: its primary ran before it. BIND
            // transfers a secondary that has no zone file as soon as it loads it; one that finds an old file
            // (kept from before) would wait for its refresh, so only that one is asked to (an `rndc` each).
            try s.command(
                "if [ $baton_was_new = 1 ] && [ -e", .value(zoneFile), "]; then echo", .value("retransfer \(origin)"),
                ">> \"$baton_todo\"; fi")
        }
    }

    /// The finish step's part for DNS servers: when a stanza came, went or changed, the include file gathered and
    /// checked and `rndc reconfig` (which loads new zones and drops removed ones); the zones whose stanza
    /// stayed and whose file changed reloaded by name (a zone BIND turns out not to have makes the
    /// configuration gathered and reconfigured as above, then that zone reloaded); then the new secondaries'
    /// first transfers. The gathering and reconfiguration are written once, as a function, and run at most once
    /// a run: a second would find the same stanzas (named-checkconf takes seconds at 20,000 zones).
    static func finish(_ layout: ServerLayout, _ s: inout ScriptBuilder) throws {
        // Called only as a command of its own, under the finish's `set -e`: a failed check ends the finish.
        s.code("baton_reconfigured=0")
        s.code("baton_reconfigure() {")
        s.code("[ $baton_reconfigured = 0 ] || return 0")
        try gather(layout, &s)
        s.code("baton_quiet rndc reconfig")
        s.code("baton_reconfigured=1")
        s.code("}")
        s.code("baton_zones=$(sed -n 's/^reload //p' \"$baton_todo\")")
        s.code("if grep -qx named \"$baton_todo\"; then baton_reconfigure; fi")
        s.code("if [ -n \"$baton_zones\" ]; then")
        // Up to 50 zones are reloaded one `rndc reload ZONE` each; past that, one `rndc reload` of all is cheaper.
        s.code("if [ \"$(printf '%s\\n' \"$baton_zones\" | wc -l)\" -gt 50 ]; then")
        s.code("baton_quiet rndc reload")
        s.code("else")
        s.code("for baton_z in $baton_zones; do")
        s.code("if ! rndc reload \"$baton_z\" >/dev/null 2>&1; then")
        s.code("baton_reconfigure")
        s.code("baton_quiet rndc reload \"$baton_z\"")
        s.code("fi")
        s.code("done")
        s.code("fi")
        s.code("fi")
        s.code(
            "for baton_z in $(sed -n 's/^retransfer //p' \"$baton_todo\"); do rndc retransfer \"$baton_z\" >&2 || true; done"
        )
    }

    /// The include file lists every stanza file, then named-checkconf checks the whole configuration: a
    /// configuration BIND refuses never stays in place.
    static func gather(_ layout: ServerLayout, _ s: inout ScriptBuilder) throws {
        let stanzas = "\(layout.state)/named"
        let next = layout.namedInclude + ".next"
        let include = "include \"\(layout.namedInclude)\";"
        try s.command(
            "grep -qF", .value(include), .value(layout.namedConfLocal), "|| printf '%s\\n'", .value(include), ">>",
            .value(layout.namedConfLocal))
        try s.assign("baton_stanzas", stanzas)
        try s.command(
            "{ for f in \"$baton_stanzas\"/*.conf; do if [ -e \"$f\" ]; then printf 'include \"%s\";\\n' \"$f\"; fi; done; } >",
            .value(next))
        try s.command("chmod 0644 --", .value(next))
        try s.command("baton_swap", .value(next), .value(layout.namedInclude), "named-checkconf")
    }

    /// The line (from 1) of the rendered zone's SOA record and the serial written there.
    static func soaSerial(of text: String, origin: String) throws -> (line: Int, serial: UInt32) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let range = line.range(of: "\tSOA\t") else { continue }
            let words = line[range.upperBound...].split(separator: " ")
            guard words.count > 2, let serial = UInt32(words[2]) else { break }
            return (index + 1, serial)
        }
        throw BackendError(description: "Domain \(origin): the rendered zone has no SOA serial")
    }

    /// A zone name that can be written in named.conf and in a file name as it is.
    static func isOrigin(_ origin: String) -> Bool {
        !origin.isEmpty && origin.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) })
    }

    static func isAddress(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
    }
}
