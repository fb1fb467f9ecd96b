import Manifests
import TestSupport
import Validation
import XCTest
import Zones

/// The built-in checker alone gets each zone as it is rendered and the rendering is dropped after (`checkOneByOne`);
/// every other choice goes through the passes that render all zones, then check them, then map the reports. These
/// tests hold the first to the second on generated repositories whose zones load, warn and fail: the same
/// diagnostics, in the same order.
final class ZoneChecksOneByOneTests: XCTestCase {
    /// The built-in checker, but without its claim to check one zone at a time: `ZoneChecks` takes the passes.
    struct ThroughThePasses: ZoneTextChecker {
        let builtin = BuiltinZoneChecker()
        var name: String { builtin.name }

        func check(text: String, origin: String, options: ZoneCheckOptions, fileName: String) throws
            -> ZoneCheckReport
        {
            try builtin.check(text: text, origin: origin, options: options, fileName: fileName)
        }
    }

    func testOneByOneGivesWhatThePassesGive() throws {
        XCTAssertTrue(BuiltinZoneChecker().checksOneByOne)
        XCTAssertFalse(ThroughThePasses().checksOneByOne)
        var rng = SplitMix64(seed: 0x2026_1207)
        var diagnostics = 0
        var errors = 0
        for round in 0..<120 {
            let loaded = try ManifestLoader.load(InMemorySource(Self.repository(&rng)))
            for options in [ZoneCheckOptions.strict, .standard] {
                let oneByOne = ZoneChecks(checkers: [BuiltinZoneChecker()], options: options, serials: FixedSerial(7))
                    .run(loaded.manifests)
                let passes = ZoneChecks(checkers: [ThroughThePasses()], options: options, serials: FixedSerial(7))
                    .run(loaded.manifests)
                XCTAssertEqual(oneByOne, passes, "round \(round)")
                XCTAssertEqual(oneByOne.map(\.message), passes.map(\.message), "round \(round)")
                diagnostics += oneByOne.count
                errors += oneByOne.filter { $0.severity == .error }.count
            }
        }
        XCTAssertGreaterThan(diagnostics, 200, "the generated zones must give messages")
        XCTAssertGreaterThan(errors, 50, "and some must fail to load")
    }

    static func pick<T>(_ items: [T], _ rng: inout SplitMix64) -> T {
        items[Int.random(in: 0..<items.count, using: &rng)]
    }

    /// An account with one or two name servers and Domains (some merged into others) whose records point at
    /// CNAMEs, at names without addresses, outside the zone, at addresses, or are fine.
    static func repository(_ rng: inout SplitMix64) -> [String: String] {
        var files: [String: String] = [
            "servers/ns.yaml": """
            apiVersion: baton/v1
            kind: Server
            metadata: {name: ns1}
            spec: {address: 10.213.0.12, hostname: ns1.hosting.example, hostKey: k, roles: [dns-primary]}
            ---
            apiVersion: baton/v1
            kind: Server
            metadata: {name: ns2}
            spec: {address: 10.213.0.13, hostname: ns2.acme.example, hostKey: k, roles: [dns-secondary]}

            """,
            "accounts/acme/account.yaml": """
            apiVersion: baton/v1
            kind: Account
            metadata: {name: acme}
            spec: {contact: ops@acme.example, placement: {dns: \(pick(["[ns1]", "[ns1, ns2]", "[ns2]"], &rng))}}

            """,
        ]
        let records = [
            "{name: '@', type: A, value: 192.0.2.1}", "{name: www, type: CNAME, value: '@'}",
            "{name: www, type: A, value: 192.0.2.2}", "{name: '@', type: MX, value: 10 www}",
            "{name: '@', type: MX, value: 10 mail}", "{name: mail, type: A, value: 192.0.2.3}",
            "{name: '@', type: MX, value: 10 nowhere}", "{name: sub, type: NS, value: ns.sub}",
            "{name: sub, type: NS, value: ns.elsewhere.example.}", "{name: ns.sub, type: A, value: 192.0.2.9}",
            "{name: '@', type: NS, value: ns9}", "{name: _sip._tcp, type: SRV, value: 0 0 5060 www}",
            "{name: _sip._tcp, type: SRV, value: 0 0 5060 mail}", "{name: alias, type: CNAME, value: www}",
            "{name: alias, type: TXT, value: hello}", "{name: '*', type: A, value: 192.0.2.4}",
            "{name: a.b, type: AAAA, value: '2001:db8::1'}", "{name: '@', type: CAA, value: '0 issue \"ca.example\"'}",
            "{name: x, type: DNAME, value: y.example.}", "{name: x, type: A, value: 192.0.2.5}",
            "{name: '@', type: TXT, ttl: 1h, value: [one, two]}", "{name: host, type: A, ttl: 5m, value: 192.0.2.6}",
            "{name: host, type: A, ttl: 1h, value: 192.0.2.7}",
        ]
        var text = ""
        for name in ["acme.example", "shop.acme.example", "other.example"] where Int.random(in: 0..<4, using: &rng) > 0
        {
            text += "---\napiVersion: baton/v1\nkind: Domain\nmetadata: {name: \(name)}\nspec:\n  account: acme\n"
            text += "  records:\n"
            for _ in 0..<Int.random(in: 0...10, using: &rng) { text += "    - \(pick(records, &rng))\n" }
        }
        files["accounts/acme/domains.yaml"] = text
        return files
    }
}
