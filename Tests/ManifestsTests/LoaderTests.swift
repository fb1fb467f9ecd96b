import Foundation
import Manifests
import TestSupport
import XCTest

/// YAML edge cases through `ManifestLoader.load`: positions, limits, anchors, merges and defaults.
final class LoaderTests: XCTestCase {
    static let hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrNJFl09Gu2N0lKkDaLshi8+HE30IyyDc7KfmmcutZ7"

    /// A Server document; `spec` lines start at line 6 (name at line 4).
    static func server(_ name: String = "web1", _ spec: String...) -> String {
        "apiVersion: baton/v1\nkind: Server\nmetadata:\n  name: \(name)\nspec:\n"
            + spec.map { "  \($0)\n" }.joined()
    }

    func load(_ files: [String: String]) throws -> ManifestLoader.Result {
        try ManifestLoader.load(InMemorySource(files))
    }

    /// `file:line:column rule` for each diagnostic, in report order.
    func report(_ result: ManifestLoader.Result) -> [String] {
        result.diagnostics.sorted(by: Diagnostic.reportOrder).map {
            "\($0.location.file):\($0.location.line):\($0.location.column) \($0.rule)"
        }
    }

    func only(_ result: ManifestLoader.Result, file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
        XCTAssertEqual(result.diagnostics.count, 1, report(result).joined(separator: "\n"), file: file, line: line)
        return result.diagnostics.first
    }

    // MARK: - Syntax

    func testSyntaxErrorReportsLineAndColumn() throws {
        // `  name: web1: x` — the second `: ` is at line 4, column 13.
        let result = try load(["a.yaml": Self.server("web1: x", "address: 10.0.0.1", "hostKey: \(Self.hostKey)")])
        let d = try XCTUnwrap(only(result))
        XCTAssertEqual(d.rule, "yaml.syntax")
        XCTAssertEqual(d.location, SourceLocation(file: "a.yaml", mark: Mark(line: 4, column: 13)))
        XCTAssertTrue(d.message.contains("mapping values are not allowed"), d.message)
        XCTAssertTrue(result.manifests.servers.isEmpty)
    }

    func testUnclosedQuoteReportsWhereTheScannerGaveUpAndWhereTheQuoteStarted() throws {
        let result = try load(["a.yaml": "apiVersion: baton/v1\nkind: \"Server\nmetadata: {}\n"])
        let d = try XCTUnwrap(only(result))
        XCTAssertEqual(d.rule, "yaml.syntax")
        XCTAssertEqual(d.location.line, 4)
        XCTAssertTrue(d.message.contains("at line 2, column 7"), d.message)
    }

    func testTabIndentationIsASyntaxError() throws {
        let result = try load(["a.yaml": "apiVersion: baton/v1\nkind: Server\nmetadata:\n\tname: web1\n"])
        XCTAssertEqual(report(result), ["a.yaml:4:1 yaml.syntax"])
    }

    func testDocumentsBeforeASyntaxErrorStillLoadAndOtherFilesAreUnaffected() throws {
        let broken = Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)") + "---\nkind: [\n"
        let result = try load([
            "a.yaml": broken,
            "b.yaml": Self.server("web2", "address: 10.0.0.2", "hostKey: \(Self.hostKey)"),
        ])
        XCTAssertEqual(result.manifests.servers.map(\.name), ["web1", "web2"])
        XCTAssertEqual(report(result), ["a.yaml:10:1 yaml.syntax"])
    }

    func testCRLFLineEndingsCountLinesAsLF() throws {
        let text = Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)", "port: 0")
            .replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(report(try load(["a.yaml": text])), ["a.yaml:8:9 schema.range"])
    }

    func testByteOrderMarkIsAccepted() throws {
        let result = try load([
            "a.yaml": "\u{FEFF}" + Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)")
        ])
        XCTAssertEqual(report(result), [])
        XCTAssertEqual(result.manifests.servers.count, 1)
    }

    // MARK: - Keys

    func testDuplicateKeyReportsTheSecondKey() throws {
        let result = try load([
            "a.yaml": Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)", "address: 10.0.0.2")
        ])
        let d = try XCTUnwrap(only(result))
        XCTAssertEqual(d.rule, "yaml.duplicate-key")
        XCTAssertEqual(d.location, SourceLocation(file: "a.yaml", mark: Mark(line: 8, column: 3)))
        XCTAssertTrue(d.message.contains("first defined at line 6"), d.message)
        // The first value is kept.
        XCTAssertEqual(result.manifests.servers.first?.spec.address, "10.0.0.1")
    }

    func testDuplicateKeyInAFlowMappingAndAtTopLevel() throws {
        let flow = "apiVersion: baton/v1\nkind: Server\nmetadata: {name: web1, name: web2}\n"
        XCTAssertTrue(report(try load(["a.yaml": flow])).contains("a.yaml:3:24 yaml.duplicate-key"))
        let top = Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)") + "kind: Server\n"
        XCTAssertEqual(report(try load(["a.yaml": top])), ["a.yaml:8:1 yaml.duplicate-key"])
    }

    func testUnknownKeySuggestsTheClosestKnownKey() throws {
        let result = try load([
            "a.yaml": Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)", "hostnmae: web1.example.net")
        ])
        let d = try XCTUnwrap(only(result))
        XCTAssertEqual(d.rule, "schema.unknown-key")
        XCTAssertEqual(d.location.line, 8)
        XCTAssertEqual(d.location.column, 3)
        XCTAssertTrue(d.message.contains("unknown key 'hostnmae'"), d.message)
        XCTAssertTrue(d.message.contains("did you mean 'hostname'?"), d.message)
        XCTAssertTrue(d.hint.contains("address, hostname, port"), d.hint)
    }

    func testUnknownKeyWithoutACloseMatchMakesNoSuggestion() throws {
        let result = try load([
            "a.yaml": Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)", "flavour: vanilla")
        ])
        let d = try XCTUnwrap(only(result))
        XCTAssertEqual(d.rule, "schema.unknown-key")
        XCTAssertFalse(d.message.contains("did you mean"), d.message)
    }

    func testUnknownKeysInNestedObjectsAndTheEnvelope() throws {
        let text = """
            apiVersion: baton/v1
            kind: Domain
            metadta:
              name: acme.example
            spec: {}
            ---
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: acme.example}
            spec:
              account: acme
              soa: {refesh: 1d}
              records:
                - {name: www, type: A, value: 192.0.2.1, tll: 5m}

            """
        let result = try load(["a.yaml": text])
        let tll = Self.column(of: "tll", in: text, line: 14)
        XCTAssertEqual(
            report(result),
            [
                "a.yaml:1:1 schema.required", "a.yaml:3:1 schema.unknown-key", "a.yaml:12:9 schema.unknown-key",
                "a.yaml:14:\(tll) schema.unknown-key",
            ])
        XCTAssertEqual(result.diagnostics.first { $0.location.line == 1 }?.message, "missing required field 'metadata'")
        XCTAssertTrue(result.diagnostics.contains { $0.message.contains("did you mean 'metadata'?") })
        XCTAssertTrue(result.diagnostics.contains { $0.message.contains("did you mean 'refresh'?") })
        XCTAssertTrue(result.diagnostics.contains { $0.message.contains("did you mean 'ttl'?") })
    }

    func testMisspeltKindIsAnEnumErrorWithASuggestion() throws {
        let result = try load(["a.yaml": "apiVersion: baton/v1\nkind: Domian\nmetadata: {name: x}\nspec: {}\n"])
        let d = try XCTUnwrap(only(result))
        XCTAssertEqual(d.rule, "schema.enum")
        XCTAssertEqual(d.location.line, 2)
        XCTAssertTrue(d.message.contains("did you mean 'Domain'?"), d.message)
    }

    func testMappingKeyThatIsAListDropsTheDocument() throws {
        let result = try load(["a.yaml": Self.server("web1", "? [address, port]", ": x")])
        XCTAssertEqual(report(result), ["a.yaml:6:5 yaml.complex-key"])
        XCTAssertTrue(result.manifests.servers.isEmpty)
    }

    // MARK: - Types

    func testWrongTypes() throws {
        // Each case: the spec lines and where the diagnostic must be (line, column).
        let key = "hostKey: \(Self.hostKey)"
        let cases: [(spec: [String], rule: String, line: Int, column: Int)] = [
            (["address: [10.0.0.1]", key], "schema.type", 6, 12),  // list for a string
            (["address: {ip: 10.0.0.1}", key], "schema.type", 6, 12),  // mapping for a string
            (["address: 10.0.0.1", key, "port: \"22\""], "schema.type", 8, 9),  // quoted number
            (["address: 10.0.0.1", key, "port: 022"], "schema.type", 8, 9),  // leading zero
            (["address: 10.0.0.1", key, "port: 22.5"], "schema.type", 8, 9),
            (["address: 10.0.0.1", key, "port: twenty"], "schema.type", 8, 9),
            (["address: 10.0.0.1", key, "port: 0"], "schema.range", 8, 9),
            (["address: 10.0.0.1", key, "roles: web"], "schema.type", 8, 10),  // a scalar is not promoted to a list
            (["address: 10.0.0.1", key, "roles: [web, mail]"], "schema.enum", 8, 16),
            (["address: 10.0.0.1", key, "paths: [/srv]"], "schema.type", 8, 10),
        ]
        for c in cases {
            let text =
                "apiVersion: baton/v1\nkind: Server\nmetadata:\n  name: web1\nspec:\n"
                + c.spec.map { "  \($0)\n" }.joined()
            XCTAssertEqual(report(try load(["a.yaml": text])), ["a.yaml:\(c.line):\(c.column) \(c.rule)"], "\(c.spec)")
        }
    }

    func testBooleansTakeYAML11WordsUnquotedOnly() throws {
        func active(_ value: String) throws -> (Bool?, [String]) {
            let text =
                "apiVersion: baton/v1\nkind: Account\nmetadata: {name: acme}\nspec:\n  contact: a@b.example\n  active: \(value)\n"
            let result = try load(["a.yaml": text])
            return (result.manifests.accounts.first?.spec.active, report(result))
        }
        for word in ["true", "True", "yes", "on", "ON"] { XCTAssertEqual(try active(word).0, true, word) }
        for word in ["false", "no", "off", "Off"] { XCTAssertEqual(try active(word).0, false, word) }
        for word in ["\"true\"", "'no'", "1", "maybe", "[true]"] {
            XCTAssertEqual(try active(word).1, ["a.yaml:6:11 schema.type"], word)
        }
    }

    func testStringFieldsKeepTheTextAsWritten() throws {
        let text = """
            apiVersion: baton/v1
            kind: Server
            metadata:
              name: web1
              labels: {mode: 0755, enabled: yes, switch: on, since: 2024-01-01, hex: 0x1F, sci: 1e3, pi: 3.10}
            spec:
              address: 10.0.0.1
              hostKey: \(Self.hostKey)
              user: no
              hostname: 0755.example

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), [])
        let server = try XCTUnwrap(result.manifests.servers.first)
        XCTAssertEqual(
            server.labels,
            [
                "mode": "0755", "enabled": "yes", "switch": "on", "since": "2024-01-01", "hex": "0x1F", "sci": "1e3",
                "pi": "3.10",
            ])
        XCTAssertEqual(server.spec.user, "no")
        XCTAssertEqual(server.spec.hostname, "0755.example")
    }

    func testPHPVersionIsAString() throws {
        let text = """
            apiVersion: baton/v1
            kind: WebApp
            metadata: {name: shop}
            spec:
              account: acme
              type: php
              php: {version: 8.10, ini: {display_errors: Off, memory_limit: 0128M}}

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), [])
        let php = try XCTUnwrap(result.manifests.webApps.first?.spec.php)
        XCTAssertEqual(php.version, "8.10")
        XCTAssertEqual(php.ini.map(\.value), ["Off", "0128M"])
    }

    func testNonMappingDocumentAndSpec() throws {
        XCTAssertEqual(report(try load(["a.yaml": "just a string\n"])), ["a.yaml:1:1 schema.type"])
        XCTAssertEqual(report(try load(["a.yaml": "- a\n- b\n"])), ["a.yaml:1:1 schema.type"])
        let spec = "apiVersion: baton/v1\nkind: Server\nmetadata: {name: web1}\nspec: [address]\n"
        XCTAssertEqual(report(try load(["a.yaml": spec])), ["a.yaml:4:7 schema.type"])
    }

    // MARK: - Required fields

    func testMissingRequiredFieldsOfEachKind() throws {
        let cases: [(kind: String, spec: String, missing: [String])] = [
            ("Server", "{port: 22}", ["spec.address", "spec.hostKey"]),
            ("Account", "{active: true}", ["spec.contact"]),
            ("SystemUser", "{main: false}", ["spec.account"]),
            ("Domain", "{ttl: 1h}", ["spec.account"]),
            ("Domain", "{account: acme, records: [{type: A}]}", ["spec.records.0.name", "spec.records.0.value"]),
            ("WebApp", "{user: acme}", ["spec.account", "spec.type"]),
            ("WebApp", "{account: acme, type: static, tls: {key: /k}}", ["spec.tls.certificate"]),
            ("MonitoredSite", "{interval: 1m}", ["spec.account", "spec.url"]),
        ]
        for c in cases {
            let text = "apiVersion: baton/v1\nkind: \(c.kind)\nmetadata: {name: x}\nspec: \(c.spec)\n"
            let result = try load(["a.yaml": text])
            let messages = result.diagnostics.filter { $0.rule == "schema.required" }.map(\.message).sorted()
            XCTAssertEqual(messages, c.missing.map { "missing required field '\($0)'" }.sorted(), "\(c.kind) \(c.spec)")
            XCTAssertTrue(
                result.diagnostics.allSatisfy { $0.location.line == 4 }, report(result).joined(separator: "\n"))
        }
    }

    func testMissingEnvelopeFields() throws {
        let result = try load(["a.yaml": "kind: Server\n"])
        XCTAssertEqual(
            result.diagnostics.map(\.message).sorted(),
            [
                "missing required field 'apiVersion'", "missing required field 'metadata'",
                "missing required field 'spec'",
            ])
        let noName = try load(["a.yaml": "apiVersion: baton/v1\nkind: Server\nmetadata: {labels: {a: b}}\nspec: {}\n"])
        XCTAssertEqual(noName.diagnostics.map(\.message), ["missing required field 'metadata.name'"])
        XCTAssertEqual(noName.diagnostics.first?.location.line, 3)
    }

    /// Metadata is read through the envelope: its diagnostics and positions must reach the result (a misspelt
    /// `name` once made the whole document vanish without a word).
    func testMetadataProblemsAreReportedAndNamePositionsKept() throws {
        let misspelt = Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)")
            .replacingOccurrences(of: "  name: web1", with: "  nmae: web1")
        XCTAssertEqual(
            report(try load(["a.yaml": misspelt])), ["a.yaml:4:3 schema.required", "a.yaml:4:3 schema.unknown-key"])
        let noSpec = "apiVersion: baton/v1\nkind: Server\nmetadata: {name: web1}\n"
        XCTAssertEqual(report(try load(["a.yaml": noSpec])), ["a.yaml:1:1 schema.required"])
        let badLabels = "apiVersion: baton/v1\nkind: Server\nmetadata: {name: web1, labels: [a]}\nspec: {}\n"
        let labelsReport = report(try load(["a.yaml": badLabels]))
        XCTAssertTrue(labelsReport.contains("a.yaml:3:32 schema.type"), labelsReport.joined(separator: "\n"))

        let labelsFirst = """
            apiVersion: baton/v1
            kind: Server
            metadata:
              labels: {tier: gold}
              name: web1
            spec: {address: 10.0.0.1, hostKey: \(Self.hostKey)}

            """
        let result = try load(["a.yaml": labelsFirst, "b.yaml": labelsFirst])
        XCTAssertEqual(report(result), ["b.yaml:5:9 resource.duplicate"])
        XCTAssertEqual(result.manifests.servers.first?.origin.location("metadata.name").line, 5)
        XCTAssertEqual(result.manifests.servers.first?.origin.location("metadata.labels.tier").line, 4)
    }

    func testNullCountsAsMissing() throws {
        let result = try load(["a.yaml": Self.server("web1", "address: ~", "hostKey: null")])
        XCTAssertEqual(report(result), ["a.yaml:6:12 schema.required", "a.yaml:7:12 schema.required"])
    }

    // MARK: - Resources

    func testDuplicateKindAndNameAcrossFiles() throws {
        let domain = "apiVersion: baton/v1\nkind: Domain\nmetadata:\n  name: acme.example\nspec:\n  account: acme\n"
        let result = try load(["a/one.yaml": domain, "b/two.yaml": "# the same zone again\n" + domain])
        let d = try XCTUnwrap(only(result))
        XCTAssertEqual(d.rule, "resource.duplicate")
        XCTAssertEqual(d.location, SourceLocation(file: "b/two.yaml", mark: Mark(line: 5, column: 9)))
        XCTAssertTrue(d.message.contains("already declared at a/one.yaml:4"), d.message)
    }

    func testSameNameInDifferentKindsIsFine() throws {
        let text = """
            apiVersion: baton/v1
            kind: Account
            metadata: {name: acme}
            spec: {contact: ops@acme.example}
            ---
            apiVersion: baton/v1
            kind: SystemUser
            metadata: {name: acme}
            spec: {account: acme, main: true}
            ---
            apiVersion: baton/v1
            kind: WebApp
            metadata: {name: acme}
            spec: {account: acme, type: static}
            ---
            apiVersion: baton/v1
            kind: MonitoredSite
            metadata: {name: acme}
            spec: {account: acme, url: "https://acme.example/"}

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), [])
        XCTAssertEqual(result.manifests.count, 4)
    }

    func testMultiDocumentFilesKeepEachDocumentsPositions() throws {
        let text = """
            # three servers, an empty document and a comment
            apiVersion: baton/v1
            kind: Server
            metadata: {name: web1}
            spec: {address: 10.0.0.1, hostKey: \(Self.hostKey)}
            ---
            ---
            # nothing here
            ---
            apiVersion: baton/v1
            kind: Server
            metadata:
              name: web2
            spec: {address: 10.0.0.2, hostKey: \(Self.hostKey)}
            ...
            ---
            apiVersion: baton/v1
            kind: Server
            metadata: {name: web3}
            spec: {address: 10.0.0.3, hostKey: \(Self.hostKey), port: 99999}

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(result.manifests.servers.map(\.name), ["web1", "web2", "web3"])
        XCTAssertEqual(result.manifests.servers.map { $0.origin.location("metadata.name").line }, [4, 13, 19])
        XCTAssertEqual(report(result), ["a.yaml:20:\(Self.column(of: "99999", in: text, line: 20)) schema.range"])
        XCTAssertEqual(result.files, 1)
    }

    // MARK: - Anchors, aliases and merge keys

    func testAliasValuesAreDecodedAndTheirDiagnosticsPointAtTheAlias() throws {
        let text = """
            apiVersion: baton/v1
            kind: Server
            metadata:
              name: &name web1
              labels: {fqdn: &fqdn web1.example.net}
            spec:
              address: *fqdn
              hostKey: \(Self.hostKey)
              hostname: *fqdn
              port:   *name

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), ["a.yaml:10:11 schema.type"])
        let server = try XCTUnwrap(result.manifests.servers.first)
        XCTAssertEqual(server.spec.address, "web1.example.net")
        XCTAssertEqual(server.spec.hostname, "web1.example.net")
        XCTAssertEqual(server.origin.location("spec.hostname").line, 9)
    }

    func testUndefinedAliasIsReportedAtTheAlias() throws {
        let result = try load([
            "a.yaml": Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)", "hostname: *nowhere")
        ])
        let d = try XCTUnwrap(only(result))
        XCTAssertEqual(d.rule, "yaml.alias")
        XCTAssertEqual(d.location, SourceLocation(file: "a.yaml", mark: Mark(line: 8, column: 13)))
        XCTAssertTrue(d.message.contains("*nowhere"), d.message)
    }

    func testAnchorsDoNotCrossDocuments() throws {
        let text =
            Self.server("web1", "address: &a 10.0.0.1", "hostKey: \(Self.hostKey)") + "---\n"
            + Self.server("web2", "address: *a", "hostKey: \(Self.hostKey)")
        let result = try load(["a.yaml": text])
        XCTAssertTrue(report(result).contains("a.yaml:14:12 yaml.alias"), report(result).joined(separator: "\n"))
    }

    func testMergeKeysMergeWithExplicitKeysWinning() throws {
        let text = """
            apiVersion: baton/v1
            kind: Server
            metadata:
              name: web1
              labels: &common {address: 10.0.0.9, user: deploy}
            spec:
              <<: [*common, {port: 2222, user: admin, hostname: web1.example.net}]
              address: 10.0.0.1
              hostKey: \(Self.hostKey)

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), [])
        let spec = try XCTUnwrap(result.manifests.servers.first?.spec)
        XCTAssertEqual(spec.address, "10.0.0.1")  // written in the mapping: wins
        XCTAssertEqual(spec.user, "deploy")  // the earlier merged map wins over the later
        XCTAssertEqual(spec.port, 2222)
        XCTAssertEqual(spec.hostname, "web1.example.net")
    }

    func testMergedValueDiagnosticsPointWhereTheValueWasWritten() throws {
        let text = """
            apiVersion: baton/v1
            kind: Server
            metadata:
              name: web1
              labels: &common {port: "22"}
            spec:
              <<: *common
              address: 10.0.0.1
              hostKey: \(Self.hostKey)

            """
        XCTAssertEqual(report(try load(["a.yaml": text])), ["a.yaml:5:26 schema.type"])
    }

    func testBadMergeValuesAreRefused() throws {
        for (value, column) in [("2222", 7), ("[a, b]", 7), ("[{port: 1}, x]", 7)] {
            let result = try load([
                "a.yaml": Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)", "<<: \(value)")
            ])
            XCTAssertEqual(report(result), ["a.yaml:8:\(column) yaml.merge-key"], value)
        }
    }

    func testQuotedMergeKeyIsAnOrdinaryKey() throws {
        let result = try load([
            "a.yaml": Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)", "\"<<\": {port: 1}")
        ])
        XCTAssertEqual(report(result), ["a.yaml:8:3 schema.unknown-key"])
    }

    func testBillionLaughsIsRefusedQuickly() throws {
        var lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...12 {
            lines.append(
                "lol\(level): &lol\(level) [" + Array(repeating: "*lol\(level - 1)", count: 10).joined(separator: ", ")
                    + "]")
        }
        // Speed lives in bench/; here the point is that the reader stops instead of expanding 10^13 nodes.
        let result = try load(["bomb.yaml": lines.joined(separator: "\n") + "\n"])
        XCTAssertEqual(result.diagnostics.map(\.rule), ["yaml.alias"])
        XCTAssertTrue(result.diagnostics[0].message.contains("expands to more than"), result.diagnostics[0].message)
        XCTAssertEqual(result.diagnostics[0].location.line, 6)
        XCTAssertEqual(result.documents, 0)
    }

    // MARK: - Hostile and odd input

    func testBinaryGarbageGivesADiagnostic() throws {
        var source = InMemorySource([:])
        source.files["garbage.yaml"] = Array(0...255)
        let result = try ManifestLoader.load(source)
        XCTAssertEqual(report(result), ["garbage.yaml:1:1 yaml.syntax"])
        XCTAssertTrue(result.diagnostics[0].hint.contains("binary"), result.diagnostics[0].hint)
    }

    func testInvalidUTF8IsReportedAtTheOffendingByte() throws {
        // 0xC3 opens a two-byte sequence at line 2, column 11; 0x28 (column 12) cannot continue it.
        var source = InMemorySource([:])
        source.files["a.yaml"] = Array("apiVersion: baton/v1\nkind: Serv".utf8) + [0xC3, 0x28] + Array("er\n".utf8)
        let result = try ManifestLoader.load(source)
        XCTAssertEqual(report(result), ["a.yaml:2:12 yaml.syntax"])
        XCTAssertTrue(result.diagnostics[0].message.contains("0x28"), result.diagnostics[0].message)
    }

    func testRandomBytesNeverCrash() throws {
        var generator = SplitMix64(seed: 42)
        for round in 0..<200 {
            var source = InMemorySource([:])
            source.files["r.yaml"] = (0..<Int(generator.next() % 512)).map { _ in
                UInt8(truncatingIfNeeded: generator.next())
            }
            let result = try ManifestLoader.load(source)
            XCTAssertTrue(
                result.diagnostics.allSatisfy { $0.location.file == "r.yaml" && $0.location.line >= 1 },
                "round \(round)")
        }
    }

    func testEmptyAndCommentOnlyFilesGiveNothing() throws {
        for text in ["", "\n\n", "   \n", "# only a comment\n", "---\n", "---\n...\n", "--- ~\n"] {
            let result = try load(["a.yaml": text])
            XCTAssertEqual(report(result), [], text.debugDescription)
            XCTAssertEqual(result.manifests.count, 0)
        }
    }

    func testFiveMegabyteFileLoads() throws {
        var text =
            "apiVersion: baton/v1\nkind: Domain\nmetadata: {name: big.example}\nspec:\n  account: acme\n  records:\n"
        var count = 0
        while text.utf8.count < 5 << 20 {
            text += "    - {name: host\(count), type: TXT, value: \"\(String(repeating: "x", count: 60)) \(count)\"}\n"
            count += 1
        }
        let result = try load(["big.yaml": text])
        XCTAssertEqual(report(result), [])
        XCTAssertEqual(result.manifests.domains.first?.spec.records.count, count)
        XCTAssertEqual(result.manifests.domains.first?.spec.records.last?.marks.name.line, Int32(6 + count))
    }

    func testTenThousandNestedListsAreTooDeep() throws {
        let deep = String(repeating: "[", count: 10_000)
        let result = try load(["deep.yaml": deep])
        XCTAssertEqual(report(result), ["deep.yaml:1:201 yaml.too-deep"])
        let mappings = String(repeating: "{a: ", count: 10_000)
        XCTAssertEqual(report(try load(["deep.yaml": mappings])).map { $0.hasSuffix("yaml.too-deep") }, [true])
    }

    func testNestingUpToTheLimitIsAccepted() throws {
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        XCTAssertEqual(report(try load(["a.yaml": ok])), ["a.yaml:1:1 schema.type"])
    }

    func testFilesOverTheSizeLimitAreNotParsed() throws {
        let result = try load(["big.yaml": String(repeating: "#", count: ManifestLoader.maxFileSize + 1)])
        XCTAssertEqual(report(result), ["big.yaml:1:1 yaml.too-large"])
    }

    func testOnlyYAMLFilesAreRead() throws {
        let result = try load([
            "README.md": "kind: [", "a.yml": Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)"),
        ])
        XCTAssertEqual(report(result), [])
        XCTAssertEqual(result.files, 1)
        XCTAssertEqual(result.manifests.servers.count, 1)
    }

    // MARK: - Durations

    func testDurationUnits() {
        let good: [(String, Int64)] = [
            ("90s", 90), ("15m", 900), ("3h", 10_800), ("2d", 172_800), ("4w", 2_419_200), ("3600", 3600), ("0s", 0),
            ("999999999999s", 999_999_999_999),
        ]
        for (text, seconds) in good { XCTAssertEqual(Duration(parsing: text)?.seconds, seconds, text) }
        for bad in [
            "", "s", "1y", "5M", "5ms", "1.5h", "-5m", "+5m", " 5m", "5 m", "5m ", "1e3", "0x10", "١٢s",
            "9999999999999s",
        ] {
            XCTAssertNil(Duration(parsing: bad), bad)
        }
        XCTAssertEqual(Duration.hours(1).description, "1h")
        XCTAssertEqual(Duration.seconds(90).description, "90s")
        XCTAssertEqual(Duration.days(14).description, "2w")
    }

    func testDurationsInManifests() throws {
        let text = """
            apiVersion: baton/v1
            kind: MonitoredSite
            metadata: {name: www}
            spec:
              account: acme
              url: https://www.acme.example/
              interval: 15m
              timeout: 90s
              expect: {maxLatency: 2}
              tls: {warnBefore: 4w}

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), [])
        let spec = try XCTUnwrap(result.manifests.monitoredSites.first?.spec)
        XCTAssertEqual(spec.interval, .minutes(15))
        XCTAssertEqual(spec.timeout, .seconds(90))
        XCTAssertEqual(spec.expect.maxLatency, .seconds(2))
        XCTAssertEqual(spec.tlsWarnBefore, .weeks(4))

        let bad = text.replacingOccurrences(of: "interval: 15m", with: "interval: 15 minutes")
            .replacingOccurrences(of: "timeout: 90s", with: "timeout: [90s]")
        XCTAssertEqual(
            report(try load(["a.yaml": bad])), ["a.yaml:7:13 schema.duration", "a.yaml:8:12 schema.duration"])
    }

    // MARK: - Defaults

    func testServerDefaults() throws {
        let result = try load(["a.yaml": Self.server("web1", "address: 10.0.0.1", "hostKey: \(Self.hostKey)")])
        let spec = try XCTUnwrap(result.manifests.servers.first?.spec)
        XCTAssertEqual(spec.port, 22)
        XCTAssertEqual(spec.user, "root")
        XCTAssertEqual(spec.roles, [])
        XCTAssertNil(spec.hostname)
        XCTAssertEqual(spec.paths, ServerSpec.Paths())
    }

    func testAccountAndSystemUserDefaults() throws {
        let text = """
            apiVersion: baton/v1
            kind: Account
            metadata: {name: acme}
            spec: {contact: ops@acme.example}
            ---
            apiVersion: baton/v1
            kind: SystemUser
            metadata: {name: acme-web}
            spec: {account: acme}

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), [])
        let account = try XCTUnwrap(result.manifests.accounts.first?.spec)
        XCTAssertTrue(account.active)
        XCTAssertNil(account.placement.web)
        XCTAssertEqual(account.placement.dns, [])
        XCTAssertEqual(account.limits, AccountSpec.Limits())
        let user = try XCTUnwrap(result.manifests.systemUsers.first?.spec)
        XCTAssertEqual(user.shell, "/usr/sbin/nologin")
        XCTAssertFalse(user.main)
        XCTAssertTrue(user.active)
        XCTAssertFalse(user.purge)
        XCTAssertNil(user.home)
        XCTAssertNil(user.passwordHash)
        XCTAssertEqual(user.groups, [])
        XCTAssertEqual(user.authorizedKeys, [])
    }

    func testDomainAndSOADefaults() throws {
        let text = """
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: acme.example}
            spec:
              account: acme
              records:
                - {name: www, type: A, value: 192.0.2.1}
            ---
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: other.example}
            spec:
              account: acme
              ttl: 5m
              soa: {retry: 30m}

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), [])
        let acme = try XCTUnwrap(result.manifests.domains.first?.spec)
        XCTAssertEqual(acme.ttl, .hours(1))
        XCTAssertNil(acme.soa.rname)
        XCTAssertEqual(acme.soa.refresh, .days(1))
        XCTAssertEqual(acme.soa.retry, .hours(2))
        XCTAssertEqual(acme.soa.expire, .weeks(4))
        XCTAssertEqual(acme.soa.minimum, .hours(1))
        XCTAssertNil(acme.records.first?.ttl)
        let other = try XCTUnwrap(result.manifests.domains.last?.spec)
        XCTAssertEqual(other.ttl, .minutes(5))
        XCTAssertEqual(other.soa.retry, .minutes(30))
        XCTAssertEqual(other.soa.refresh, .days(1))  // the keys not written keep their defaults
        XCTAssertEqual(other.soa.expire, .weeks(4))
    }

    func testWebAppAndMonitoredSiteDefaults() throws {
        let text = """
            apiVersion: baton/v1
            kind: WebApp
            metadata: {name: shop}
            spec: {account: acme, type: php, php: {ini: {memory_limit: 256M}}}
            ---
            apiVersion: baton/v1
            kind: WebApp
            metadata: {name: www}
            spec: {account: acme, type: static}
            ---
            apiVersion: baton/v1
            kind: MonitoredSite
            metadata: {name: www}
            spec:
              account: acme
              url: https://www.acme.example/
              expect: {bodyContains: Welcome}
              thresholds: {failure: 5}
              alerts: [{webhook: "https://hooks.example/a"}]

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), [])
        let shop = try XCTUnwrap(result.manifests.webApps.first?.spec)
        XCTAssertNil(shop.user)
        XCTAssertNil(shop.path)
        XCTAssertNil(shop.publicRoot)
        XCTAssertNil(shop.tls)
        XCTAssertEqual(shop.php?.version, "8.2")
        XCTAssertEqual(shop.php?.processes, 5)
        XCTAssertEqual(shop.php?.timeout, .seconds(30))
        XCTAssertNil(result.manifests.webApps.last?.spec.php)
        let site = try XCTUnwrap(result.manifests.monitoredSites.first?.spec)
        XCTAssertEqual(site.interval, .seconds(60))
        XCTAssertEqual(site.timeout, .seconds(10))
        XCTAssertEqual(site.expect.status, [MonitoredSiteSpec.StatusRange(lower: 200, upper: 399)])
        XCTAssertEqual(site.expect.bodyContains, "Welcome")
        XCTAssertNil(site.expect.maxLatency)
        XCTAssertEqual(site.tlsWarnBefore, .days(14))
        XCTAssertEqual(site.failureThreshold, 5)
        XCTAssertEqual(site.successThreshold, 2)
        XCTAssertEqual(site.alerts.map(\.sendOnResolved), [true])
    }

    func testStatusListsAndRanges() throws {
        let text = """
            apiVersion: baton/v1
            kind: MonitoredSite
            metadata: {name: www}
            spec:
              account: acme
              url: https://www.acme.example/
              expect: {status: [200, "300-399", 404, "500-499", 99, abc]}

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(
            report(result).filter { $0.hasSuffix("schema.status") }.count, 3, report(result).joined(separator: "\n"))
        XCTAssertEqual(
            result.manifests.monitoredSites.first?.spec.expect.status.map { "\($0.lower)-\($0.upper)" },
            ["200-200", "300-399", "404-404"])
    }

    func testMonitorConditionsAlertsAndAllowPrivate() throws {
        let text = """
            apiVersion: baton/v1
            kind: MonitoredSite
            metadata: {name: www}
            spec:
              account: acme
              url: https://www.acme.example/
              allowPrivate: true
              conditions:
                - "[STATUS] == any(200, 204)"
                - "[RESPONSE_TIME] < 800ms"
                - "[BODY].checks[0].status == pat(ok*)"
                - "[HEADER:Content-Type] == pat(text/html*)"
              alerts:
                - receiver: ops
                  format: slack
                - webhook: https://hooks.example/acme
                  sendOnResolved: false

            """
        let result = try load(["a.yaml": text])
        XCTAssertEqual(report(result), [])
        let spec = try XCTUnwrap(result.manifests.monitoredSites.first?.spec)
        XCTAssertTrue(spec.allowPrivate)
        XCTAssertEqual(spec.conditions.map(\.text).count, 4)
        XCTAssertEqual(spec.conditions[1].placeholder, .responseTime)
        XCTAssertEqual(spec.conditions[1].value, .milliseconds(800))
        XCTAssertEqual(spec.conditions[2].placeholder, .bodyPath([.key("checks"), .index(0), .key("status")]))
        XCTAssertEqual(spec.conditions[3].placeholder, .header("Content-Type"))
        XCTAssertEqual(spec.alerts.map(\.target), [.receiver("ops"), .webhook("https://hooks.example/acme")])
        XCTAssertEqual(spec.alerts.map(\.format), [.slack, nil])
        XCTAssertEqual(spec.alerts.map(\.sendOnResolved), [true, false])
        XCTAssertFalse(
            try XCTUnwrap(
                try load(["a.yaml": text.replacingOccurrences(of: "  allowPrivate: true\n", with: "")])
                    .manifests.monitoredSites.first?.spec.allowPrivate))

        let bad = text.replacingOccurrences(of: "< 800ms", with: "< 800")
            .replacingOccurrences(of: "format: slack", with: "format: teams")
        XCTAssertEqual(
            report(try load(["a.yaml": bad])), ["a.yaml:10:7 monitor.condition", "a.yaml:15:15 schema.enum"])
    }

    // MARK: - Helpers

    static func column(of needle: String, in text: String, line: Int) -> Int {
        let row = text.components(separatedBy: "\n")[line - 1]
        return row.distance(from: row.startIndex, to: row.range(of: needle)!.lowerBound) + 1
    }
}
