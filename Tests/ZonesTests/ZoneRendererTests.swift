import Manifests
import XCTest
import Zones

final class ZoneRendererTests: XCTestCase {
    static let repository = """
        apiVersion: baton/v1
        kind: Account
        metadata: {name: acme}
        spec: {contact: ops@acme.example, placement: {dns: [ns1, ns2]}}
        ---
        apiVersion: baton/v1
        kind: Server
        metadata: {name: ns1}
        spec: {address: 10.213.0.12, hostname: ns1.hosting.example, hostKey: k, roles: [dns-primary]}
        ---
        apiVersion: baton/v1
        kind: Server
        metadata: {name: ns2}
        spec: {address: 10.213.0.13, hostname: ns2.hosting.example, hostKey: k, roles: [dns-secondary]}
        ---
        apiVersion: baton/v1
        kind: Domain
        metadata: {name: acme.example}
        spec:
          account: acme
          soa: {rname: first.last@acme.example}
          records:
            - {name: "@", type: A, value: 192.0.2.10}
            - {name: www, type: CNAME, value: "@"}
            - {name: "@", type: TXT, value: 'say "hi" \\ bye'}
            - {name: "@", type: MX, ttl: 5m, value: 10 mail}
            - {name: mail, type: A, value: 192.0.2.25}
        ---
        apiVersion: baton/v1
        kind: Domain
        metadata: {name: shop.acme.example}
        spec:
          account: acme
          records:
            - {name: "@", type: A, value: 192.0.2.30}
            - {name: cdn, type: CNAME, value: edge}
            - {name: "@", type: TXT, value: ["one", "two words"]}

        """

    func zone() throws -> ZoneInput {
        let loaded = try ManifestLoader.load(InMemorySource(["accounts/acme/all.yaml": Self.repository]))
        XCTAssertEqual(loaded.diagnostics, [])
        let zones = ZoneInput.zones(of: loaded.manifests)
        XCTAssertEqual(zones.map(\.origin), ["acme.example"], "the subdomain joins its parent's zone")
        return try XCTUnwrap(zones.first)
    }

    func testRenderingIsDeterministicAndOneRecordALine() throws {
        let zone = try zone()
        let a = ZoneRenderer.render(zone, serial: 2_026_112_401)
        let b = ZoneRenderer.render(zone, serial: 2_026_112_401)
        XCTAssertEqual(a.text, b.text)
        let lines = a.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[1], "$ORIGIN acme.example.")
        XCTAssertEqual(lines[2], "$TTL 3600")
        XCTAssertEqual(
            lines[3], "@\tIN\tSOA\tns1.hosting.example. first\\.last.acme.example. 2026112401 86400 7200 2419200 3600")
        XCTAssertEqual(lines[4], "@\tIN\tNS\tns1.hosting.example.")
        XCTAssertEqual(lines[5], "@\tIN\tNS\tns2.hosting.example.")
        XCTAssertTrue(lines.contains("@\t300\tIN\tMX\t10 mail"))
        XCTAssertTrue(lines.contains("@\tIN\tTXT\t\"say \\\"hi\\\" \\\\ bye\""), a.text)
        XCTAssertTrue(lines.contains("$ORIGIN shop.acme.example."))
        XCTAssertTrue(lines.contains("cdn\tIN\tCNAME\tedge"))
        XCTAssertTrue(lines.contains("@\tIN\tTXT\t\"one\" \"two words\""), "a list keeps its strings: \(a.text)")
    }

    func testEveryRecordLineMapsBackToItsYAMLValue() throws {
        let rendered = ZoneRenderer.render(try zone(), serial: 1)
        let lines = rendered.text.split(separator: "\n", omittingEmptySubsequences: false)
        let mx = try XCTUnwrap(lines.firstIndex { $0.contains("\tMX\t") }) + 1
        XCTAssertEqual(rendered.lines[mx]?.mark, Mark(line: 26, column: 45))
        XCTAssertEqual(rendered.lines[mx]?.target, "mail.acme.example")
        let cdn = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("cdn") }) + 1
        XCTAssertEqual(rendered.lines[cdn]?.owner, "cdn.shop.acme.example")
        XCTAssertEqual(rendered.lines[cdn]?.target, "edge.shop.acme.example")
        XCTAssertEqual(rendered.lines[cdn]?.mark.line, 36)
        XCTAssertEqual(rendered.source(owner: "acme.example", type: "MX", target: nil)?.mark.line, 26)
        XCTAssertEqual(rendered.source(owner: nil, type: "NS", target: "ns2.hosting.example")?.type, "NS")
    }

    func testContentHashIgnoresTheSerial() throws {
        let zone = try zone()
        XCTAssertEqual(
            ZoneRenderer.render(zone, serial: 1).contentHash, ZoneRenderer.render(zone, serial: 2).contentHash)
        XCTAssertNotEqual(ZoneRenderer.render(zone, serial: 1).text, ZoneRenderer.render(zone, serial: 2).text)
        var changed = zone
        changed.domain.spec.records[0].value = "192.0.2.11"
        XCTAssertNotEqual(ZoneRenderer.contentHash(changed), ZoneRenderer.contentHash(zone))
    }

    /// Values the rules refuse must not reach the file: a line break would add a line (a `$INCLUDE`) of its own.
    func testNoInputAddsALine() throws {
        var zone = try zone()
        zone.domain.spec.records[0].value = "192.0.2.10\r\n$INCLUDE /etc/hosts"
        zone.domain.spec.soa.rname = "a;b\n$INCLUDE /etc/passwd@acme.example"
        zone.domain.origin.file = "accounts/acme/x\n$INCLUDE /etc/shadow ;\n.yaml"
        let text = ZoneRenderer.render(zone, serial: 1).text
        XCTAssertFalse(text.contains("\tA\t192.0.2.10"), "the refused record is left out: \(text)")
        XCTAssertTrue(text.contains("hostmaster.acme.example."), "a refused rname falls back to the default")
        XCTAssertFalse(
            text.split(separator: "\n").contains {
                $0.hasPrefix("$") && !$0.hasPrefix("$ORIGIN") && !$0.hasPrefix("$TTL")
            })
    }

    func testAMergedSubdomainKeepsItsTTL() throws {
        var zone = try zone()
        zone.subdomains[0].spec.ttl = .minutes(5)
        let lines = ZoneRenderer.render(zone, serial: 1).text.split(separator: "\n")
        let origin = try XCTUnwrap(lines.firstIndex(of: "$ORIGIN shop.acme.example."))
        XCTAssertEqual(lines[origin + 1], "$TTL 300")
    }

    func testLongTXTIsSplitInto255ByteStrings() {
        let text = String(repeating: "a", count: 600)
        let quoted = ZoneRenderer.quotedStrings(text)
        let parts = quoted.split(separator: " ")
        XCTAssertEqual(parts.map { $0.count - 2 }, [255, 255, 90])
        XCTAssertEqual(ZoneRenderer.quotedStrings("tab\there é"), "\"tab\\009here \\195\\169\"")
        XCTAssertEqual(ZoneRenderer.quotedStrings(""), "\"\"")
    }
}
