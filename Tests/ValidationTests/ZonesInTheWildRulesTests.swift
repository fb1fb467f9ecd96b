import Manifests
import Validation
import XCTest
import Zones

/// Issue 12, "Zones in the wild": the manifest rules and the zone-check stage on what real zones hold.
final class ZonesInTheWildRulesTests: XCTestCase {
    static let hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFNS/Dav2vGNFaDygsvWvTvJ1qGiZJrJxlSVH7qM7je5"

    static func repository(server hostname: String = "ns1.hosting.example", domain: String) -> [String: String] {
        [
            "servers/ns1.yaml": """
            apiVersion: baton/v1
            kind: Server
            metadata: {name: ns1}
            spec: {address: 10.213.0.12, hostname: "\(hostname)", hostKey: "\(hostKey)", roles: [dns-primary]}

            """,
            "accounts/acme/account.yaml": """
            apiVersion: baton/v1
            kind: Account
            metadata: {name: acme}
            spec: {contact: ops@acme.example, placement: {dns: [ns1]}}

            """,
            "accounts/acme/domains.yaml": domain,
        ]
    }

    /// A Domain with `records` (flow mappings, one a line from line 8) and optional `soa`.
    static func domain(_ records: [String], soa: String? = nil) -> String {
        """
        apiVersion: baton/v1
        kind: Domain
        metadata: {name: acme.example}
        spec:
          account: acme
        \(soa.map { "  soa: \($0)" } ?? "  ttl: 1h")
          records:
        \(records.map { "    - \($0)" }.joined(separator: "\n"))

        """
    }

    func load(_ files: [String: String]) throws -> ManifestSet {
        let loaded = try ManifestLoader.load(InMemorySource(files))
        XCTAssertEqual(loaded.diagnostics, [], "fixture must load")
        return loaded.manifests
    }

    func rules(_ files: [String: String]) throws -> [Diagnostic] {
        Validator.validate(try load(files)).filter { $0.severity == .error }
    }

    func zoneChecks(_ files: [String: String], checkers: [any ZoneTextChecker]) throws -> [Diagnostic] {
        ZoneChecks(checkers: checkers, serials: FixedSerial(1)).run(try load(files))
    }

    func named() throws -> NamedCheckzone {
        try XCTUnwrap(NamedCheckzone.find(), "named-checkzone is required: apt-get install bind9-utils")
    }

    static let apex = ["{name: \"@\", type: A, value: 192.0.2.10}", "{name: www, type: A, value: 192.0.2.10}"]

    // MARK: - 4. RNAMEs that import writes

    func testSOAContactsWithAOneLabelDomainValidate() throws {
        for rname in ["root@localhost", "hostmaster@arpa", "hostmaster@acme.example"] {
            let files = Self.repository(domain: Self.domain(Self.apex, soa: "{rname: \"\(rname)\"}"))
            XCTAssertEqual(try rules(files), [], rname)
            XCTAssertEqual(try zoneChecks(files, checkers: [BuiltinZoneChecker(), try named()]), [], rname)
        }
        for rname in ["root@", "@localhost", "root", "a b@localhost", "root@local_host"] {
            let files = Self.repository(domain: Self.domain(Self.apex, soa: "{rname: \"\(rname)\"}"))
            XCTAssertEqual(try rules(files).map(\.rule), ["domain.rname"], rname)
        }
    }

    // MARK: - 5. Wildcard SRV owners

    func testWildcardSRVOwnersAreServiceOwners() throws {
        for owner in ["*._tcp", "*._udp", "*._tcp.mail", "_sip._tcp"] {
            let files = Self.repository(
                domain: Self.domain(Self.apex + ["{name: \"\(owner)\", type: SRV, value: 0 0 5060 www}"]))
            XCTAssertEqual(try rules(files), [], owner)
            XCTAssertEqual(try zoneChecks(files, checkers: [BuiltinZoneChecker(), try named()]), [], owner)
        }
        for owner in ["*.sip", "sip", "*"] {
            let files = Self.repository(
                domain: Self.domain(Self.apex + ["{name: \"\(owner)\", type: SRV, value: 0 0 5060 www}"]))
            XCTAssertEqual(try rules(files).map(\.rule), ["record.srv"], owner)
        }
    }

    // MARK: - 6. A zone BIND rejects is explained at its line

    func testAnMXTargetWithoutAddressIsAnErrorAtTheMXLineFromBothCheckers() throws {
        let files = Self.repository(
            domain: Self.domain(Self.apex + ["{name: \"@\", type: MX, value: 10 mail}"]))
        for checker in [try named() as any ZoneTextChecker, BuiltinZoneChecker()] {
            let diagnostics = try zoneChecks(files, checkers: [checker])
            XCTAssertEqual(diagnostics.map(\.severity), [.error], "\(checker.name): \(diagnostics)")
            XCTAssertEqual(diagnostics.first?.location.line, 10, checker.name)
            XCTAssertTrue(diagnostics.first?.message.contains("has no address records") ?? false, "\(diagnostics)")
            XCTAssertFalse(diagnostics.contains { $0.message.contains("said no more") })
        }
    }

    /// CNAME exclusivity looks records up by their own names now: across Domains, in any case, at the apex.
    func testCNAMEExclusivityAcrossDomainsAndCase() throws {
        var files = Self.repository(domain: Self.domain(Self.apex + ["{name: WWW.Sub, type: A, value: 192.0.2.1}"]))
        files["accounts/acme/sub.yaml"] = """
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: sub.acme.example}
            spec:
              account: acme
              records:
                - {name: www, type: CNAME, value: "acme.example."}
                - {name: "@", type: CNAME, value: "acme.example."}

            """
        files["accounts/acme/other.yaml"] = """
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: other.example}
            spec:
              account: acme
              records:
                - {name: www.sub.acme.example, type: A, value: 192.0.2.1}

            """
        let found = try rules(files).filter { $0.rule == "record.cname-exclusive" }
        XCTAssertEqual(found.count, 1, "\(found)")
        XCTAssertEqual(found.first?.location.file, "accounts/acme/sub.yaml", "the CNAME comes after the A record")
        XCTAssertTrue(found.first?.message.contains("'www.sub.acme.example'") ?? false, "\(found)")
    }

    // MARK: - Speed: the cache only where it pays

    func testTheBuiltinCheckerNeitherReadsNorWritesTheCache() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manifests = try load(Self.repository(domain: Self.domain(Self.apex)))
        let cache = ZoneCheckCache(directory: dir, tag: "test")
        _ = ZoneChecks(checkers: [BuiltinZoneChecker()], cache: cache, serials: FixedSerial(1)).run(manifests)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir), "the built-in checker wrote the cache")
        _ = ZoneChecks(checkers: [try named()], cache: cache, serials: FixedSerial(1)).run(manifests)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).count, 1, "named-checkzone's is kept")
    }

    // MARK: - 11. A server hostname with its trailing dot

    func testAServerHostnameMayEndWithADot() throws {
        let files = Self.repository(server: "ns1.hosting.example.", domain: Self.domain(Self.apex))
        XCTAssertEqual(try rules(files), [])
        XCTAssertEqual(try zoneChecks(files, checkers: [BuiltinZoneChecker(), try named()]), [])
        let zone = try XCTUnwrap(ZoneInput.zones(of: try load(files)).first)
        XCTAssertEqual(zone.nameServers, ["ns1.hosting.example"])
    }

    func testAnInvalidServerHostnameMakesNoZoneErrors() throws {
        for hostname in ["ns1..hosting.example", "ns1", "ns_1.hosting.example", "ns1.hosting.example.."] {
            let files = Self.repository(server: hostname, domain: Self.domain(Self.apex))
            XCTAssertEqual(try rules(files).map(\.rule), ["server.hostname"], hostname)
            XCTAssertEqual(try zoneChecks(files, checkers: [BuiltinZoneChecker(), try named()]), [], hostname)
        }
    }

    // MARK: - 12. Values the rules let through

    func testControlCharactersAndLineSeparatorsInTextAreRefused() throws {
        for (escape, message) in [
            ("\\x85", "contains a line break"), ("\\u2028", "contains a line break"),
            ("\\u2029", "contains a line break"),
            ("\\x9B", "contains a control character"), ("\\x80", "contains a control character"),
            ("\\x7F", "contains a control character"),
        ] {
            let files = Self.repository(
                domain: Self.domain(Self.apex + ["{name: \"@\", type: TXT, value: \"a\(escape)b\"}"]))
            let found = try rules(files)
            XCTAssertEqual(found.map(\.rule), ["record.txt"], escape)
            XCTAssertTrue(found.first?.message.contains(message) ?? false, "\(escape): \(found)")
        }
        let accents = Self.repository(
            domain: Self.domain(Self.apex + ["{name: \"@\", type: TXT, value: \"caf\\u00e9 \\u00a0 \\t ok\"}"]))
        XCTAssertEqual(try rules(accents), [], "letters above U+009F and tabs are text")
    }

    func testAnAddressIsNoCNAMEOrPTRTarget() throws {
        for (type, value) in [
            ("CNAME", "192.0.2.1"), ("PTR", "192.0.2.1"), ("CNAME", "192.0.2.1."), ("PTR", "2001:db8::1"),
        ] {
            let files = Self.repository(
                domain: Self.domain(Self.apex + ["{name: x, type: \(type), value: \"\(value)\"}"]))
            XCTAssertEqual(try rules(files).map(\.rule), ["record.\(type.lowercased())"], "\(type) \(value)")
        }
        let name = Self.repository(
            domain: Self.domain(Self.apex + ["{name: x, type: CNAME, value: \"192-0-2-1.example.net.\"}"]))
        XCTAssertEqual(try rules(name), [])
    }

    func testACAAIodefNamesWhereToReport() throws {
        for value in ["mailto:", "mailto:@example.com", "https://", "http:///path", "mailto:security"] {
            let files = Self.repository(
                domain: Self.domain(Self.apex + ["{name: \"@\", type: CAA, value: '0 iodef \"\(value)\"'}"]))
            XCTAssertEqual(try rules(files).map(\.rule), ["record.caa"], value)
        }
        for value in ["mailto:security@acme.example", "https://acme.example/iodef", "http://192.0.2.1:8080/x"] {
            let files = Self.repository(
                domain: Self.domain(Self.apex + ["{name: \"@\", type: CAA, value: '0 iodef \"\(value)\"'}"]))
            XCTAssertEqual(try rules(files), [], value)
        }
    }
}
