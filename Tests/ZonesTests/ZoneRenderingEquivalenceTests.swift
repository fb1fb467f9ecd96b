import Manifests
import TestSupport
import XCTest

@testable import Zones

/// The renderer writes a zone as bytes and the serial into them once; it was a `String` appended line by line with
/// the serial put in by a second copy. These tests hold it to that earlier renderer (kept below as it was) on
/// generated repositories: the same text, byte for byte, and the same source for every line.
final class ZoneRenderingEquivalenceTests: XCTestCase {
    func testTheRenderingIsTheEarlierRenderersOnGeneratedZones() throws {
        var rng = SplitMix64(seed: 0x5EED_2026_1207)
        var zonesCompared = 0
        var fromSeveralFiles = 0
        for round in 0..<150 {
            let files = Self.repository(&rng)
            let loaded = try ManifestLoader.load(InMemorySource(files))
            let zones = ZoneInput.zones(of: loaded.manifests)
            for zone in zones {
                let serial = UInt32.random(in: 0...UInt32.max, using: &rng)
                let rendered = ZoneRenderer.render(zone, serial: serial)
                let earlier = EarlierRenderer.render(zone, serial: serial)
                XCTAssertEqual(rendered.text, earlier, "round \(round), zone \(zone.origin)")
                XCTAssertEqual(rendered.serial, serial)
                let lineCount = earlier.utf8.filter { $0 == UInt8(ascii: "\n") }.count
                for line in 0...(lineCount + 1) {
                    XCTAssertEqual(
                        rendered.source(line: line), EarlierRenderer.source(zone, line: line),
                        "round \(round), zone \(zone.origin), line \(line)")
                }
                zonesCompared += 1
                if Set(([zone.domain] + zone.subdomains).map(\.origin.file)).count > 1 { fromSeveralFiles += 1 }
            }
        }
        XCTAssertGreaterThan(zonesCompared, 300, "the generator must make zones")
        XCTAssertGreaterThan(fromSeveralFiles, 30, "merged ones among them, from several files")
    }

    func testTheSerialSourcesRenderingIsTheEarlierRenderers() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20 {
            let loaded = try ManifestLoader.load(InMemorySource(Self.repository(&rng)))
            for zone in ZoneInput.zones(of: loaded.manifests) {
                XCTAssertEqual(
                    ZoneRenderer.render(zone, serials: FixedSerial(2_026_120_701)).text,
                    EarlierRenderer.render(zone, serial: 2_026_120_701))
            }
        }
    }

    // MARK: - Generated repositories

    static func pick<T>(_ items: [T], _ rng: inout SplitMix64) -> T {
        items[Int.random(in: 0..<items.count, using: &rng)]
    }

    /// Two accounts with name servers (or none), Domains with subdomains of the same or the other account, records
    /// of every type with and without TTLs, names and values with upper case, tabs, control characters and
    /// non-ASCII text (written as YAML escapes), rnames with dots and specials, and file names that are not plain.
    static func repository(_ rng: inout SplitMix64) -> [String: String] {
        var files: [String: String] = [:]
        let serverCount = Int.random(in: 0...3, using: &rng)
        var servers = ""
        for s in 0..<serverCount {
            let hostname = pick(["ns\(s).hosting.example", "NS\(s).Hosting.Example", "ns\(s).hosting.example."], &rng)
            servers += """
                ---
                apiVersion: baton/v1
                kind: Server
                metadata: {name: ns\(s)}
                spec: {address: 10.213.0.\(20 + s), hostname: "\(hostname)", hostKey: k, roles: [dns-primary]}

                """
        }
        files["servers/all.yaml"] = servers
        let dns = (0..<serverCount).map { "ns\($0)" }
        let placements = ["[\(dns.joined(separator: ", "))]", "[]", "[ns0, missing]"]
        let accounts = ["acme", "beta"]
        for account in accounts {
            files["accounts/\(account)/account.yaml"] = """
                apiVersion: baton/v1
                kind: Account
                metadata: {name: \(account)}
                spec: {contact: ops@\(account).example, placement: {dns: \(pick(placements, &rng))}}

                """
        }
        let bases = ["acme.example", "beta.example"]
        let names = ["@", "www", "mail", "WWW", "a.b", "*", "_sip._tcp", "x\\ty", "bad\\x01", "\\u00e9t\\u00e9", "sub"]
        let valuesByType: [String: [String]] = [
            "A": ["192.0.2.1", "198.51.100.7", "not-an-address"],
            "AAAA": ["2001:db8::1", "::1"],
            "CNAME": ["www", "@", "target.example.", "Mixed.Case"],
            "MX": ["10 mail", "0 .", "5 mx.example.net."],
            "NS": ["ns.example.net.", "ns1"],
            "TXT": [
                "v=spf1 -all", "say \\\"hi\\\" \\\\ bye", "", "t\\u00e4st \\x01 ctl",
                String(repeating: "x", count: 300),
            ],
            "SPF": ["v=spf1 mx -all"],
            "SRV": ["10 5 5060 sip", "0 0 443 host.example."],
            "CAA": ["0 issue \\\"letsencrypt.org\\\"", "128 iodef \\\"mailto:ops@acme.example\\\""],
            "PTR": ["host.example."],
            "SSHFP": ["1 1 123456789abcdef67890123456789abcdef67890"],
            "TLSA": ["3 1 1 ABCDEF"],
            "DS": ["12345 13 2 ABCDEF0123"],
        ]
        let types = valuesByType.keys.sorted()
        var d = 0
        let fileNames = ["domains.yaml", "d\u{e9}j\u{e0}.yaml", "x\ty.yaml", "more/domains.yaml"]
        for (a, account) in accounts.enumerated() {
            // Each Domain in one of the account's files: a merged zone names every file it comes from.
            var texts: [String: String] = [:]
            let domainCount = Int.random(in: 1...4, using: &rng)
            for k in 0..<domainCount {
                d += 1
                // The base itself, a subdomain of either account's base, or a zone of its own.
                let name: String
                switch k {
                case 0: name = bases[a]
                default:
                    name = pick(
                        ["s\(d).\(bases[a])", "s\(d).\(bases[1 - a])", "z\(d).example", "deep.s\(d).\(bases[a])"], &rng)
                }
                var spec = "  account: \(account)\n"
                if Bool.random(using: &rng) { spec += "  ttl: \(pick(["5m", "1h", "2d", "90"], &rng))\n" }
                if Bool.random(using: &rng) {
                    let rname = pick(
                        [
                            "first.last@\(name)", "hostmaster@\(name)", "root@localhost", "a;b@x.example",
                            "q\\\"@x.example",
                        ],
                        &rng)
                    spec += "  soa: {rname: \"\(rname)\", refresh: 1h, retry: 15m, expire: 2w, minimum: 5m}\n"
                }
                spec += "  records:\n"
                for _ in 0..<Int.random(in: 0...12, using: &rng) {
                    let type = pick(types, &rng)
                    let value = pick(valuesByType[type]!, &rng)
                    let ttl = Int.random(in: 0..<4, using: &rng) == 0 ? ", ttl: \(pick(["5m", "1h", "30"], &rng))" : ""
                    if type == "TXT", Int.random(in: 0..<4, using: &rng) == 0 {
                        spec +=
                            "    - {name: \"\(pick(names, &rng))\", type: TXT\(ttl), value: [\"one\", \"\(value)\"]}\n"
                    } else {
                        spec += "    - {name: \"\(pick(names, &rng))\", type: \(type)\(ttl), value: \"\(value)\"}\n"
                    }
                }
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    spec += "    - {name: \"@\", type: NS, value: ns.example.net.}\n"
                }
                texts[pick(fileNames, &rng), default: ""] +=
                    "---\napiVersion: baton/v1\nkind: Domain\nmetadata: {name: \(name)}\nspec:\n\(spec)"
            }
            for (file, text) in texts { files["accounts/\(account)/\(file)"] = text }
        }
        return files
    }
}

/// The renderer before it wrote bytes, as it was (text and line sources), for the comparison; the helpers it
/// shares with today's renderer, unchanged, are called.
private enum EarlierRenderer {
    static let serialToken = "@SERIAL@"

    static func render(_ input: ZoneInput, serial: UInt32) -> String {
        let (text, serialAt, _) = template(input)
        let utf8 = text.utf8
        let at = utf8.index(utf8.startIndex, offsetBy: serialAt)
        let end = utf8.index(at, offsetBy: serialToken.utf8.count)
        var filled = ""
        filled += text[..<at]
        filled += String(serial)
        filled += text[end...]
        return filled
    }

    static func template(_ input: ZoneInput) -> (String, Int, [(member: Int, record: Int)?]) {
        let domain = input.domain
        let origin = domain.name
        let members = [domain] + input.subdomains.sorted(by: { $0.name < $1.name })
        var text = ""
        var origins: [(member: Int, record: Int)?] = []
        func add(_ line: String, _ from: (member: Int, record: Int)? = nil) {
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
        let nameServers = input.nameServers.filter(isSafe)
        let mname = nameServers.first.map { $0 + "." } ?? "ns.\(origin)."
        let rname = mailbox(
            soa.rname.flatMap { isSafe($0) && !$0.contains(where: { ";()\" \\".contains($0) }) ? $0 : nil }
                ?? "hostmaster@\(origin)")
        text += "@\tIN\tSOA\t\(mname) \(rname) "
        let serialAt = text.utf8.count
        add(
            "\(serialToken) \(soa.refresh.seconds) \(soa.retry.seconds) \(soa.expire.seconds) \(soa.minimum.seconds)",
            (0, -1))
        let hasApexNS = domain.spec.records.contains { $0.type == .NS && $0.name == "@" }
        if !hasApexNS {
            for (k, server) in nameServers.enumerated() { add("@\tIN\tNS\t\(server).", (0, -2 - k)) }
        }
        for (m, member) in members.enumerated() {
            if member.name != origin {
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
                add(rdata(record), (m, r))
            }
        }
        return (text, serialAt, origins)
    }

    /// What each line was made from, as the earlier `RenderedZone.source(line:)` said it.
    static func source(_ input: ZoneInput, line: Int) -> ZoneLineSource? {
        let origins = template(input).2
        guard line >= 1, line <= origins.count, let o = origins[line - 1] else { return nil }
        let members = [input.domain] + input.subdomains.sorted(by: { $0.name < $1.name })
        let domain = members[o.member]
        let origin = input.domain.name
        if o.record == -1 {
            return ZoneLineSource(
                file: domain.origin.file, mark: domain.origin.location("metadata.name").mark, owner: origin,
                type: "SOA", target: nil)
        }
        if o.record <= -2 {
            let server = input.nameServers.filter(isSafe)[-2 - o.record]
            return ZoneLineSource(
                file: domain.origin.file, mark: domain.origin.location("metadata.name").mark, owner: origin,
                type: "NS", target: server.lowercased())
        }
        let record = domain.spec.records[o.record]
        let owner = record.name == "@" ? domain.name : "\(record.name.lowercased()).\(domain.name)"
        return ZoneLineSource(
            file: domain.origin.file, mark: record.marks.value, owner: owner, type: record.type.rawValue,
            target: target(of: record, origin: domain.name))
    }

    static func isSafe(_ s: String) -> Bool { ZoneRenderer.isSafe(s) }

    /// As it was: every file name rebuilt scalar by scalar.
    static func printable(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }

    static func rdata(_ record: DNSRecord) -> String { ZoneRenderer.rdata(record) }

    static func mailbox(_ email: String) -> String { ZoneRenderer.mailbox(email) }

    static func target(of record: DNSRecord, origin: String) -> String? {
        ZoneRenderer.target(of: record, origin: origin)
    }
}
