import Foundation
import XCTest

@testable import Zones

/// Each check of the built-in checker: a zone that trips it and one that does not.
final class BuiltinZoneCheckerTests: XCTestCase {
    static let head = """
        $TTL 600
        @ SOA ns hostmaster 1 3600 1200 604800 300
          NS ns
        ns A 192.0.2.1

        """

    func check(_ body: String, flags: String = "-i local", head: String = head) -> ZoneCheckReport {
        BuiltinZoneChecker().check(
            text: head + body, origin: "example", options: ZoneCheckOptions(flags: flags), fileName: "zone.db")
    }

    func texts(_ r: ZoneCheckReport, _ severity: ZoneMessage.Severity) -> [String] {
        r.messages.filter { $0.severity == severity }.map(\.text)
    }

    func assertLoads(_ body: String, flags: String = "-i local", file: StaticString = #filePath, line: UInt = #line) {
        let r = check(body, flags: flags)
        XCTAssertTrue(r.loaded, "\(r.messages.map(\.text))", file: file, line: line)
    }

    func assertFails(
        _ body: String, flags: String = "-i local", _ message: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let r = check(body, flags: flags)
        XCTAssertFalse(r.loaded, file: file, line: line)
        XCTAssertTrue(texts(r, .error).contains(message), "\(texts(r, .error))", file: file, line: line)
    }

    func assertWarns(
        _ body: String, flags: String = "-i local", _ message: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let r = check(body, flags: flags)
        XCTAssertTrue(r.loaded, "\(texts(r, .error))", file: file, line: line)
        XCTAssertTrue(texts(r, .warning).contains(message), "\(texts(r, .warning))", file: file, line: line)
    }

    func testAGoodZone() {
        let r = check("www A 192.0.2.10\nmail A 192.0.2.25\n@ MX 10 mail\n_sip._tcp SRV 0 0 5060 www\n")
        XCTAssertTrue(r.loaded)
        XCTAssertEqual(r.messages, [])
    }

    func testSOAAndNSAtTheApex() {
        let noSOA = BuiltinZoneChecker().check(
            text: "$TTL 1\n@ NS ns\nns A 192.0.2.1\n", origin: "example", options: .standard, fileName: "z")
        XCTAssertEqual(noSOA.messages.map(\.text), ["has 0 SOA records"])
        let noNS = BuiltinZoneChecker().check(
            text: "$TTL 1\n@ SOA ns h 1 1 1 1 1\n", origin: "example", options: .standard, fileName: "z")
        XCTAssertEqual(noNS.messages.map(\.text), ["has no NS records"])
        assertFails("@ SOA ns h 2 1 1 1 1\n", "example: multiple RRs of singleton type")
        assertFails("www SOA ns h 2 1 1 1 1\n", "SOA record not at top of zone (www.example)")
    }

    func testApexNameServersNeedAddresses() {
        assertFails("@ NS ns2\n", "NS 'ns2.example' has no address records (A or AAAA)")
        assertFails("@ NS cn\ncn CNAME ns\n", "NS 'cn.example' is a CNAME (illegal)")
        assertFails("@ NS x.dn\ndn DNAME example.net.\n", "NS 'x.dn.example' is below a DNAME 'dn.example' (illegal)")
        assertLoads("@ NS ns.other.\n@ NS foo.wild\n*.wild A 192.0.2.2\n")
        let r = check("@ NS ns2\n", flags: "-i none")
        XCTAssertFalse(r.loaded, "apex NS targets are checked whatever -i says")
    }

    func testCNAMEAndOtherData() {
        assertFails("bad A 192.0.2.1\nbad CNAME @\n", "bad.example: CNAME and other data")
        assertFails("bad CNAME @\nx A 192.0.2.1\nbad TXT x\n", "bad.example: CNAME and other data")
        assertFails("@ CNAME www\n", "example: CNAME and other data")
        // BIND's exceptions: KEY, NSEC, RRSIG (and SIG) may sit beside a CNAME.
        assertLoads(
            "ok CNAME @\nok KEY 256 3 8 AwEAAQ==\nok NSEC x A\n"
                + "ok RRSIG CNAME 8 2 300 20300101000000 20200101000000 1 example. AAAA\n")
        let report = check("bad A 192.0.2.1\nbad CNAME @\n")
        let m = report.messages.first { $0.severity == .error }
        XCTAssertEqual(m?.line, 6)
        XCTAssertEqual(m?.file, "zone.db")
    }

    func testSingletonTypes() {
        assertFails("a CNAME b\na CNAME c\n", "a.example: multiple RRs of singleton type")
        assertFails("a DNAME b\na DNAME c\n", "a.example: multiple RRs of singleton type")
        assertLoads("a CNAME b\na CNAME b\n")
        assertLoads("a A 192.0.2.1\na A 192.0.2.2\n")
    }

    func testMXTargets() {
        assertWarns("@ MX 10 mail\nmail CNAME ns\n", "example/MX 'mail.example' is a CNAME (illegal)")
        assertFails(
            "@ MX 10 mail\nmail CNAME ns\n", flags: "-i local -M fail", "example/MX 'mail.example' is a CNAME (illegal)"
        )
        XCTAssertEqual(check("@ MX 10 mail\nmail CNAME ns\n", flags: "-i local -M ignore").messages, [])
        assertWarns("@ MX 10 nomail\n", "example/MX 'nomail.example' has no address records (A or AAAA)")
        assertFails(
            "@ MX 10 nomail\n", flags: "-i local -m fail",
            "example/MX 'nomail.example' has no address records (A or AAAA)")
        assertFails("@ MX 10 192.0.2.1\n", flags: "-m fail", "near '192.0.2.1': MX is an address")
        assertWarns("@ MX 10 192.0.2.1\n", "warning: '192.0.2.1': MX is an address")
        assertLoads("@ MX 10 mail\nmail A 192.0.2.3\n@ MX 20 .\n@ MX 30 mx.other.\n", flags: "-i local -m fail -M fail")
        assertWarns(
            "@ MX 10 x.dn\ndn DNAME example.net.\n", "example/MX 'x.dn.example' is below a DNAME 'dn.example' (illegal)"
        )
    }

    func testSRVTargets() {
        assertWarns("_sip._tcp SRV 0 0 5060 t\nt CNAME ns\n", "_sip._tcp.example/SRV 't.example' is a CNAME (illegal)")
        assertFails(
            "_sip._tcp SRV 0 0 5060 t\nt CNAME ns\n", flags: "-i local -S fail",
            "_sip._tcp.example/SRV 't.example' is a CNAME (illegal)")
        assertWarns(
            "_sip._tcp SRV 0 0 5060 none\n", flags: "-i local -S fail",
            "_sip._tcp.example/SRV 'none.example' has no address records (A or AAAA)")
        assertLoads("_sip._tcp SRV 0 0 5060 ns\n", flags: "-i local -S fail")
    }

    func testNSTargetsThatAreAddresses() {
        assertWarns("sub NS 192.0.2.7\n", "NS record '192.0.2.7' appears to be an address")
        assertFails("sub NS 192.0.2.7\n", flags: "-n fail", "NS record '192.0.2.7' appears to be an address")
        XCTAssertFalse(
            check("sub NS 192.0.2.7\n", flags: "-n ignore").messages.contains { $0.text.contains("appears to be") })
    }

    func testGlue() {
        assertWarns(
            "child NS ns.child\n",
            "child.example/NS 'ns.child.example' has no REQUIRED GLUE address records (A or AAAA)")
        assertWarns(
            "child NS ns.other\nother NS x.net.\n",
            "child.example/NS 'ns.other.example' has no SIBLING GLUE address records (A or AAAA)")
        assertWarns("child NS cn\ncn CNAME ns\n", "child.example/NS 'cn.example' is a CNAME (illegal)")
        XCTAssertEqual(check("child NS ns.child\nns.child A 192.0.2.9\n").messages, [])
        XCTAssertEqual(check("child NS ns.child\nns.child AAAA 2001:db8::9\n").messages, [])
        // Names below a delegation or a DNAME are not checked.
        XCTAssertEqual(check("child NS ns.child\nns.child A 192.0.2.9\nx.child MX 10 none\n").messages, [])
        XCTAssertEqual(check("dn DNAME example.net.\nx.dn MX 10 none\n").messages, [])
    }

    func testOutOfZoneDataIsIgnored() {
        let r = check("www.example.net. A 192.0.2.1\n")
        XCTAssertTrue(r.loaded)
        XCTAssertEqual(texts(r, .warning), ["ignoring out-of-zone data (www.example.net)"])
    }

    func testTTLLimits() {
        assertFails("big 601 A 192.0.2.1\n", flags: "-l 600", "TTL 601 exceeds configured max-zone-ttl 600")
        assertLoads("big A 192.0.2.1\n", flags: "-l 600")
        assertWarns("big 2147483648 A 192.0.2.1\n", "$TTL 2147483648 > MAXTTL, setting $TTL to 0")
        let noTTL = BuiltinZoneChecker().check(
            text: "@ SOA ns h 1 1 1 1 300\n@ NS ns\nns A 192.0.2.1\n", origin: "example", options: .standard,
            fileName: "z")
        XCTAssertTrue(noTTL.loaded)
        XCTAssertEqual(noTTL.messages.map(\.text), ["no TTL specified; using SOA MINTTL instead"])
    }

    func testCheckNames() {
        assertWarns("a_b A 192.0.2.1\n", "a_b.example: bad owner name (check-names)")
        assertFails("a_b A 192.0.2.1\n", flags: "-k fail", "a_b.example: bad owner name (check-names)")
        assertFails("@ MX 10 a_b\n", flags: "-k fail", "near 'a_b': bad name (check-names)")
        assertLoads("a_b TXT x\n_dmarc TXT \"v=DMARC1\"\n", flags: "-k fail")
        XCTAssertEqual(check("a_b A 192.0.2.1\n", flags: "-k ignore").messages, [])
    }

    func testWildcards() {
        assertWarns("foo.*.w TXT x\n", "warning: ownername 'foo.*.w.example' contains an non-terminal wildcard")
        XCTAssertFalse(check("foo.*.w TXT x\n", flags: "-W ignore").messages.contains { $0.text.contains("wildcard") })
        assertFails("*.w NS ns\n", "*.w.example: invalid NS owner name (wildcard)")
        assertLoads("*.w A 192.0.2.1\n*.w MX 10 mx.w\nmx.w A 192.0.2.2\n")
    }

    func testDuplicateRecords() {
        let hip =
            "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D"
        let body = "dup HIP \(hip) rvs.example.com.\ndup HIP \(hip) RVS.example.com.\n"
        assertWarns(body, "dup.example/HIP has semantically identical records")
        assertFails(body, flags: "-i local -r fail", "dup.example/HIP has semantically identical records")
        // Records that are the same on the wire are merged silently.
        assertLoads("dup A 192.0.2.1\ndup A 192.0.2.1\ndup MX 10 ns\ndup MX 10 NS\n", flags: "-i local -r fail")
    }

    func testDSAndCDSRules() {
        let key = "AwEAAbqjg7xdvnU2Q/gtLw5LOfr5cDeTRjYuEbkzGrUiVSOSoxcTxuao"
        assertFails("@ DS 1 8 2 \(String(repeating: "00", count: 32))\n", "DS record at top of zone (example)")
        assertLoads("@ DNSKEY 257 3 8 \(key)\n@ CDS 1 8 2 \(String(repeating: "00", count: 32))\n")
        assertFails(
            "@ DNSKEY 257 3 8 \(key)\n@ CDS 1 14 2 \(String(repeating: "00", count: 32))\n",
            "CDS/CDNSKEY consistency checks failed")
        assertFails("@ CDNSKEY 257 3 8 \(key)\n", "CDS/CDNSKEY consistency checks failed")
        assertLoads("@ CDS 0 0 0 00\n@ CDNSKEY 0 3 0 AA==\n")
        assertWarns(
            "@ DNSKEY 256 3 5 \(key)\n", "deprecated DNSKEY algorithm found: 5 (RSASHA1)")
        assertWarns(
            "child NS ns.other.\nchild DS 1 13 1 \(String(repeating: "00", count: 20))\n",
            "child.example/DS deprecated digest type 1 (SHA-1)")
    }

    func testDNAMERules() {
        assertFails("a DNAME x.\na CNAME y.\n", "a.example: CNAME and other data")
        assertLoads("a DNAME example.net.\na A 192.0.2.1\nb.a A 192.0.2.2\n")
        // A DNAME at the apex hides every name below it, the apex's own name servers included.
        assertFails("@ DNAME example.net.\n", "NS 'ns.example' is below a DNAME 'example' (illegal)")
    }

    func testSPF() {
        assertWarns(
            "y SPF \"v=spf1 -all\"\ny TXT \"not spf\"\n",
            "'y.example' found type SPF record but no SPF TXT record found, add matching type TXT record")
        XCTAssertEqual(check("y SPF \"v=spf1 -all\"\ny TXT \"v=spf1 -all\"\n").messages, [])
        XCTAssertEqual(check("y SPF \"v=spf1 -all\"\n", flags: "-i local -T ignore").messages, [])
    }

    func testNSEC3PARAM() {
        assertFails("@ NSEC3PARAM 2 0 0 -\n", "no supported nsec3 hash algorithm")
        assertWarns("@ NSEC3PARAM 1 0 200 -\n", "excessive NSEC3PARAM iterations 200 > 150")
    }

    func testMessagesCarryWhereTheyAreAbout() {
        let r = check("www A 300.1.2.3\n")
        XCTAssertEqual(r.messages.count, 1)
        XCTAssertEqual(r.messages[0].file, "zone.db")
        XCTAssertEqual(r.messages[0].line, 5)
        XCTAssertEqual(r.messages[0].text, "near '300.1.2.3': bad dotted quad")
        XCTAssertEqual(r.messages[0].owner, "www.example")
        XCTAssertEqual(r.messages[0].type, "A")
        let z = check("@ MX 10 mail\nmail CNAME ns\n")
        XCTAssertNil(z.messages[0].line)
        XCTAssertEqual(z.messages[0].owner, "example")
        XCTAssertEqual(z.messages[0].type, "MX")
        XCTAssertEqual(z.messages[0].target, "mail.example")
    }

    func testStrictOptionsAndFileChecks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try (Self.head + "www A 192.0.2.10\n").write(
            to: dir.appendingPathComponent("z.db"), atomically: true, encoding: .utf8)
        let checker = BuiltinZoneChecker(baseDirectory: dir.path)
        XCTAssertTrue(checker.check(path: "z.db", origin: "example.", options: .strict).loaded)
        let missing = checker.check(path: "nope.db", origin: "example", options: .strict)
        XCTAssertFalse(missing.loaded)
        XCTAssertEqual(missing.messages.map(\.text), ["nope.db: file not found"])
    }
}
