import XCTest
import Zones

final class NamedCheckzoneOutputTests: XCTestCase {
    func testTheFourShapes() {
        let output = """
            dns_rdata_fromtext: /dev/stdin:14: near '300.1.2.3': bad dotted quad
            dns_master_load: /dev/stdin:8: alias.example.test: CNAME and other data
            /dev/stdin:6: warning: '192.0.2.60': MX is an address
            zone example.test/IN: example.test/MX 'mail.example.test' is a CNAME (illegal)
            zone example.test/IN: NS 'ns2.example.test' has no address records (A or AAAA)
            zone example.test/IN: loading from master file /dev/stdin failed: bad dotted quad
            zone example.test/IN: not loaded due to errors.

            """
        let report = NamedCheckzoneOutput.parse(output, exitCode: 1, zone: "example.test")
        XCTAssertFalse(report.loaded)
        let m = report.messages
        XCTAssertEqual(m.count, 5, "the summary lines are dropped: \(m)")
        XCTAssertEqual(m[0].line, 14)
        XCTAssertEqual(m[0].text, "near '300.1.2.3': bad dotted quad")
        XCTAssertEqual(m[0].severity, .error)
        XCTAssertEqual(m[1].line, 8)
        XCTAssertEqual(m[1].owner, "alias.example.test")
        XCTAssertEqual(m[2].severity, .warning)
        XCTAssertEqual(m[2].line, 6)
        XCTAssertEqual(m[3].owner, "example.test")
        XCTAssertEqual(m[3].type, "MX")
        XCTAssertEqual(m[3].target, "mail.example.test")
        XCTAssertNil(m[3].line)
        XCTAssertEqual(m[4].type, "NS")
        XCTAssertEqual(m[4].target, "ns2.example.test")
    }

    func testAFailureWithoutALineKeepsTheReason() {
        let output = """
            zone example.test/IN: loading from master file bad_ttl4.zone failed: bad ttl
            zone example.test/IN: not loaded due to errors.

            """
        let report = NamedCheckzoneOutput.parse(output, exitCode: 1, zone: "example.test")
        XCTAssertEqual(report.messages.map(\.text), ["bad ttl"])
        XCTAssertEqual(report.messages.first?.owner, "example.test")
    }

    func testGenerateErrorsNameTheZoneFile() {
        let output =
            "$GENERATE: zones/bad-generate-range.db:19: invalid range\nzone example/IN: not loaded due to errors.\n"
        let report = NamedCheckzoneOutput.parse(output, exitCode: 1, zone: "example")
        XCTAssertEqual(report.messages.first?.file, "zones/bad-generate-range.db")
        XCTAssertEqual(report.messages.first?.line, 19)
        XCTAssertEqual(report.messages.first?.text, "$GENERATE: invalid range")
    }

    func testALoadedZoneHasOnlyWarnings() {
        let output = """
            /dev/stdin:6: ignoring out-of-zone data (www.other.test)
            zone example.test/IN: loaded serial 2024010101
            OK

            """
        let report = NamedCheckzoneOutput.parse(output, exitCode: 0, zone: "example.test")
        XCTAssertTrue(report.loaded)
        XCTAssertEqual(report.messages.map(\.severity), [.warning])
    }

    /// The real tool on a rendered zone: BIND's words come back with their lines.
    func testRealNamedCheckzone() throws {
        let named = try XCTUnwrap(NamedCheckzone.find(), "named-checkzone is required: apt-get install bind9-utils")
        let zone = """
            $ORIGIN example.test.
            $TTL 3600
            @ IN SOA ns1 hostmaster 1 3600 900 604800 300
            @ IN NS ns1
            ns1 IN A 192.0.2.1
            www IN A 192.0.2.300
            @ IN MX 10 alias
            alias IN CNAME www

            """
        let bad = try named.check(text: zone, origin: "example.test", options: .strict, fileName: "example.test.zone")
        XCTAssertFalse(bad.loaded)
        XCTAssertEqual(bad.messages.first?.line, 6)
        XCTAssertEqual(bad.messages.first?.file, "example.test.zone")
        let fixed = zone.replacingOccurrences(of: "192.0.2.300", with: "192.0.2.30")
        let report = try named.check(text: fixed, origin: "example.test", options: .strict, fileName: "z")
        XCTAssertFalse(report.loaded, "MX to a CNAME fails with -M fail")
        XCTAssertEqual(report.messages.first?.type, "MX")
        XCTAssertEqual(report.messages.first?.target, "alias.example.test")
        var relaxed = ZoneCheckOptions.strict
        relaxed.mxCNAME = .warn
        let warned = try named.check(text: fixed, origin: "example.test", options: relaxed, fileName: "z")
        XCTAssertTrue(warned.loaded)
        XCTAssertEqual(warned.messages.map(\.severity), [.warning])
    }
}
