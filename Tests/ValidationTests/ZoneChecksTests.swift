import Manifests
import Validation
import XCTest
import Zones

/// Zone checks end to end: manifests rendered, checked by the real named-checkzone, mapped back to YAML lines.
final class ZoneChecksTests: XCTestCase {
    static let account = """
        apiVersion: baton/v1
        kind: Account
        metadata: {name: acme}
        spec: {contact: ops@acme.example, placement: {dns: [ns1]}}
        ---
        apiVersion: baton/v1
        kind: Server
        metadata: {name: ns1}
        spec: {address: 10.213.0.12, hostname: ns1.hosting.example, hostKey: k, roles: [dns-primary]}

        """

    /// Line 14 holds the value under test, at column 14: the example of the issue.
    static func domain(_ value: String) -> String {
        """
        apiVersion: baton/v1
        kind: Domain
        metadata:
          name: acme.example
        spec:
          account: acme
          records:
            - name: "@"
              type: A
              value: 192.0.2.10
            - name: www
              type: A
              ttl: 1h
              value: \(value)

        """
    }

    func named() throws -> NamedCheckzone {
        try XCTUnwrap(NamedCheckzone.find(), "named-checkzone is required: apt-get install bind9-utils")
    }

    func check(
        _ domain: String, options: ZoneCheckOptions = .strict, checkers: [any ZoneTextChecker]? = nil
    ) throws -> [Diagnostic] {
        let text = domain
        let loaded = try ManifestLoader.load(
            InMemorySource(["accounts/acme/account.yaml": Self.account, "accounts/acme/domains.yaml": text]))
        XCTAssertEqual(loaded.diagnostics, [], "fixture must load")
        return ZoneChecks(checkers: try checkers ?? [named()], options: options, serials: FixedSerial(2_026_112_401))
            .run(loaded.manifests)
    }

    func testABadAddressIsReportedAtItsYAMLLine() throws {
        let text = Self.domain("300.1.2.3")
        let diagnostics = try check(text)
        let hit = try XCTUnwrap(diagnostics.first { $0.rule == "zone.named-checkzone" }, "\(diagnostics)")
        XCTAssertEqual(hit.location.file, "accounts/acme/domains.yaml")
        XCTAssertEqual(hit.location.line, 14)
        XCTAssertEqual(hit.location.column, 14)
        XCTAssertTrue(hit.message.contains("bad dotted quad"), hit.message)
        XCTAssertEqual(hit.severity, .error)
    }

    func testTheBuiltinCheckerReportsTheSameLine() throws {
        let diagnostics = try check(Self.domain("300.1.2.3"), checkers: [BuiltinZoneChecker()])
        XCTAssertEqual(diagnostics.map(\.rule), ["zone.builtin"])
        XCTAssertEqual(diagnostics.first?.location.line, 14)
        XCTAssertEqual(diagnostics.first?.location.column, 14)
        XCTAssertTrue(diagnostics.first?.message.contains("bad dotted quad") ?? false)
    }

    func testBothCheckersSayAThingOnce() throws {
        let diagnostics = try check(Self.domain("300.1.2.3"), checkers: [BuiltinZoneChecker(), try named()])
        XCTAssertEqual(diagnostics.map(\.rule), ["zone.named-checkzone"], "the validator of record speaks")
        let apart = try check(
            Self.domain("192.0.2.30").replacingOccurrences(
                of: "type: A\n      ttl: 1h", with: "type: NS\n      ttl: 1h"),
            checkers: [BuiltinZoneChecker(), try named()])
        XCTAssertEqual(Set(apart.map(\.location.line)), [14], "\(apart)")
    }

    /// A warning BIND logs beside an error that fails the zone (an SPF record without its TXT twin, an MX target
    /// without addresses): once, a warning, whichever checkers run (issue 15, item 2).
    func testAMessageHasOneSeverityWhicheverCheckersRun() throws {
        let text = """
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: acme.example}
            spec:
              account: acme
              records:
                - {name: "@", type: A, value: 192.0.2.10}
                - {name: spf, type: SPF, value: "\\"v=spf1 -all\\""}
                - {name: "@", type: MX, value: 10 nowhere}

            """
        var said: [[String]] = []
        for checkers in [[BuiltinZoneChecker()], [try named()], [BuiltinZoneChecker(), try named()]]
            as [[any ZoneTextChecker]]
        {
            let diagnostics = try check(text, checkers: checkers)
            said.append(
                diagnostics.map {
                    "\($0.location.line):\($0.severity):\($0.message.drop { $0 != ":" })"
                })
            XCTAssertEqual(diagnostics.filter { $0.message.contains("found type SPF") }.count, 1, "\(diagnostics)")
        }
        XCTAssertEqual(said[0], said[1], "the built-in checker and named-checkzone")
        XCTAssertEqual(said[2], said[1], "both")
        XCTAssertTrue(said[2].contains { $0.hasPrefix("8:warning:") && $0.contains("found type SPF") }, "\(said[2])")
        XCTAssertTrue(
            said[2].contains { $0.hasPrefix("9:error:") && $0.contains("has no address records") }, "\(said[2])")
    }

    func testAZoneLevelMessageFindsItsRecordByName() throws {
        let text = """
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: acme.example}
            spec:
              account: acme
              records:
                - {name: "@", type: A, value: 192.0.2.10}
                - {name: alias, type: CNAME, value: "@"}
                - {name: "@", type: MX, value: 10 alias}

            """
        let diagnostics = try check(text)
        XCTAssertEqual(diagnostics.count, 1, "\(diagnostics)")
        XCTAssertEqual(diagnostics.first?.location.line, 9)
        XCTAssertTrue(diagnostics.first?.message.contains("is a CNAME (illegal)") ?? false)
        var relaxed = ZoneCheckOptions.strict
        relaxed.mxCNAME = .warn
        let warned = try check(text, options: relaxed)
        XCTAssertEqual(warned.map(\.severity), [.warning], "baton.yaml may relax a check to a warning")
    }

    func testAValidZoneHasNoDiagnostics() throws {
        XCTAssertEqual(try check(Self.domain("192.0.2.30")), [])
    }

    func testResultsAreCachedByContent() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = Self.domain("300.1.2.3")
        let loaded = try ManifestLoader.load(
            InMemorySource(["accounts/acme/account.yaml": Self.account, "accounts/acme/domains.yaml": text]))
        let stage = ZoneChecks(
            checkers: [try named()], cache: ZoneCheckCache(directory: dir, tag: "test"), serials: FixedSerial(1))
        let first = stage.run(loaded.manifests)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).count, 1)
        // A checker that would fail proves the second run reads the cache instead of checking again.
        let cachedOnly = ZoneChecks(
            checkers: [NamedCheckzone(executable: "/nonexistent/named-checkzone")],
            cache: ZoneCheckCache(directory: dir, tag: "test"), serials: FixedSerial(1))
        XCTAssertNotEqual(first, [])
        let renamed = cachedOnly.run(loaded.manifests)
        XCTAssertEqual(renamed.map(\.location), first.map(\.location))
    }
}

/// named-checkconf's batch run must say what named-checkzone says, zone by zone.
final class ZoneBatchTests: XCTestCase {
    func testBatchAndSingleRunsAgree() throws {
        let named = try XCTUnwrap(NamedCheckzone.find(), "named-checkzone is required: apt-get install bind9-utils")
        let head = "$TTL 3600\n@ IN SOA ns1 hostmaster 1 3600 900 604800 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
        let zones = [
            ZoneBatchItem(origin: "one.test", text: head + "www IN A 192.0.2.300\n", fileName: "one.zone"),
            ZoneBatchItem(
                origin: "two.test", text: head + "@ IN MX 10 alias\nalias IN CNAME ns1\n", fileName: "two.zone"),
            ZoneBatchItem(origin: "three.test", text: head, fileName: "three.zone"),
            ZoneBatchItem(origin: "four.test", text: head + "bad_host IN A 192.0.2.3\n", fileName: "four.zone"),
            ZoneBatchItem(origin: "five.test", text: head + "@ IN MX 10 nowhere\n", fileName: "five.zone"),
        ]
        let batch = try XCTUnwrap(try named.checkBatch(zones, options: .strict), "strict options batch")
        XCTAssertEqual(batch.count, zones.count)
        for (zone, report) in zip(zones, batch) {
            let single = try named.check(
                text: zone.text, origin: zone.origin, options: .strict, fileName: zone.fileName)
            XCTAssertEqual(report, single, zone.origin)
        }
        XCTAssertEqual(batch.map(\.loaded), [false, false, true, false, false])
        XCTAssertEqual(batch[0].messages.first?.line, 5)
        XCTAssertEqual(batch[0].messages.first?.file, "one.zone")
    }

    func testABatchNoZoneAccountsForIsNotTrusted() throws {
        let named = try XCTUnwrap(NamedCheckzone.find())
        let head = "$TTL 3600\n@ IN SOA ns1 hostmaster 1 3600 900 604800 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
        // Two zones of one name: named-checkconf refuses the configuration and loads no zone at all.
        let zones = [
            ZoneBatchItem(origin: "same.test", text: head, fileName: "a"),
            ZoneBatchItem(origin: "same.test", text: head + "www IN A 192.0.2.300\n", fileName: "b"),
        ]
        XCTAssertThrowsError(try named.checkBatch(zones, options: .strict))
    }

    func testOptionsWithoutANamedConfEquivalentAreCheckedOneByOne() throws {
        let named = try XCTUnwrap(NamedCheckzone.find())
        var options = ZoneCheckOptions.strict
        options.nsAddress = .warn
        let zones = [
            ZoneBatchItem(origin: "a.test", text: "", fileName: "a"),
            ZoneBatchItem(origin: "b.test", text: "", fileName: "b"),
        ]
        XCTAssertNil(try named.checkBatch(zones, options: options))
    }
}
