import Validation
import XCTest

final class AddressAndNameTests: XCTestCase {
    func testIPv4() {
        for good in ["0.0.0.0", "192.0.2.10", "255.255.255.255", "10.0.0.1"] {
            XCTAssertTrue(IPAddress.isIPv4(good), good)
        }
        for bad in [
            "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "1.2.3.", ".1.2.3", "a.b.c.d", "1.2.3.4 ",
            "300.1.2.3", "1.2.3.0004",
        ] {
            XCTAssertFalse(IPAddress.isIPv4(bad), bad)
        }
    }

    func testIPv6() {
        for good in ["2001:db8::10", "::1", "fe80::1:2:3:4", "::ffff:192.0.2.1"] {
            XCTAssertTrue(IPAddress.isIPv6(good), good)
        }
        for bad in ["2001:db8:::1", "12345::", "192.0.2.1", "2001:db8::g"] {
            XCTAssertFalse(IPAddress.isIPv6(bad), bad)
        }
    }

    func testZoneNames() {
        for good in ["example.com", "a-b.example", "xn--bcher-kva.example", "xn--mnchen-3ya.de"] {
            XCTAssertNil(DNSName.zoneProblem(good), good)
        }
        for bad in [
            "example.com.", "bücher.example", "*.example.com", "Example.com", "localhost", "a..b", "-a.example",
            "ab--cd.example", "xn--.example", "a.123", String(repeating: "a", count: 64) + ".example",
            (0..<60).map { _ in "abcd" }.joined(separator: "."),
        ] {
            XCTAssertNotNil(DNSName.zoneProblem(bad), bad)
        }
    }

    func testUserNames() {
        for good in ["acme", "_svc", "a1-b_c", String(repeating: "a", count: 32)] {
            XCTAssertTrue(Names.isUserName(good), good)
        }
        for bad in ["", "1abc", "-x", "Acme", "a b", "a.b", "a$", String(repeating: "a", count: 33), "ä"] {
            XCTAssertFalse(Names.isUserName(bad), bad)
        }
    }
}
