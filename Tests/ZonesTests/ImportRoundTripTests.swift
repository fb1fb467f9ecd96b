import Foundation
import Manifests
import XCTest
import Zones

/// `baton import zone`, then rendering, then named-checkzone: the same records load as from the original.
final class ImportRoundTripTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/conformance/checkzone")

    /// What a Domain does not carry: Baton writes the SOA, the signer adds the DNSSEC signature types.
    static let notCarried: Set<String> = ["SOA", "RRSIG", "NSEC", "NSEC3", "NSEC3PARAM"]

    func named() throws -> NamedCheckzone {
        try XCTUnwrap(NamedCheckzone.find(), "named-checkzone is required: apt-get install bind9-utils")
    }

    func roundTrip(_ path: String, origin: String, in directory: URL) throws -> (
        original: Set<CanonicalRecord>, again: Set<CanonicalRecord>
    ) {
        let named = try named()
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(directory.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let (report, records) = try named.dump(path: path, origin: origin)
        XCTAssertTrue(report.loaded, path)
        let imported = ZoneImporter.manifest(records: records, origin: origin, account: "acme", source: path)
        let loaded = try ManifestLoader.load(InMemorySource(["domain.yaml": imported.yaml]))
        XCTAssertEqual(loaded.diagnostics, [], "\(path): the imported manifest loads:\n\(imported.yaml)")
        let domain = try XCTUnwrap(loaded.manifests.domains.first, path)
        let rendered = ZoneRenderer.render(ZoneInput(domain: domain, nameServers: []), serial: 1)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("baton-rt-\(UUID().uuidString).zone")
        try rendered.text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (again, againRecords) = try named.dump(path: file.path, origin: origin)
        XCTAssertTrue(again.loaded, "\(path): the rendered zone loads:\n\(rendered.text)\n\(again.messages)")
        return (
            Set(records.filter { !Self.notCarried.contains($0.type) }),
            Set(againRecords.filter { !Self.notCarried.contains($0.type) })
        )
    }

    func testEveryZoneBINDAcceptsRoundTrips() throws {
        let tsv = try String(contentsOf: Self.corpus.appendingPathComponent("verdicts.tsv"), encoding: .utf8)
        var checked = Set<String>()
        var mismatches: [String] = []
        for row in tsv.split(separator: "\n").dropFirst() {
            let c = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count > 4, c[3] == "0", !c[2].contains("-f raw"), checked.insert("\(c[0]) \(c[1])").inserted else {
                continue
            }
            let (original, again) = try roundTrip("zones/\(c[0])", origin: c[1], in: Self.corpus)
            if original != again {
                mismatches.append(
                    "\(c[0]): lost \(original.subtracting(again).map { "\($0.owner) \($0.type) \($0.rdata)" }.sorted()), "
                        + "gained \(again.subtracting(original).map { "\($0.owner) \($0.type) \($0.rdata)" }.sorted())")
            }
        }
        print("import round trip: \(checked.count) zones BIND accepts, \(checked.count - mismatches.count) identical")
        XCTAssertGreaterThan(checked.count, 40)
        XCTAssertEqual(mismatches, [])
    }

    func testTextThatIsNotUTF8StaysOutWithANotice() {
        let records = [
            CanonicalRecord(owner: "t.example.com.", ttl: 3600, type: "TXT", rdata: "\"\\255\\254abc\""),
            CanonicalRecord(owner: "u.example.com.", ttl: 3600, type: "TXT", rdata: "\"caf\\195\\169\""),
        ]
        let out = ZoneImporter.manifest(records: records, origin: "example.com", account: "acme", source: "z")
        XCTAssertFalse(out.yaml.contains("\"t\""), out.yaml)
        XCTAssertTrue(out.yaml.contains("{name: \"u\", type: TXT, value: \"café\"}"), out.yaml)
        XCTAssertTrue(
            out.notices.contains { $0.contains("t.example.com. TXT skipped: its data is not UTF-8") }, "\(out.notices)")
    }

    func testImportedManifestReadsWell() throws {
        let zone = """
            $ORIGIN example.com.
            $TTL 1h
            @ IN SOA ns1 first\\.last 2024010101 1d 2h 4w 1h
            @ IN NS ns1
            @ IN NS ns.other.net.
            ns1 IN A 192.0.2.1
            @ 300 IN MX 10 mail.example.com.
            mail IN A 192.0.2.25
            @ IN TXT "v=spf1 mx -all"
            _sip._tcp IN SRV 10 5 5060 sip.example.com.

            """
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try zone.write(to: dir.appendingPathComponent("z"), atomically: true, encoding: .utf8)
        let (_, records) = try named().dump(path: dir.appendingPathComponent("z").path, origin: "example.com")
        let yaml = ZoneImporter.manifest(records: records, origin: "example.com", account: "acme", source: "z").yaml
        XCTAssertTrue(yaml.contains("  ttl: 1h\n"), yaml)
        XCTAssertTrue(yaml.contains("rname: \"first.last@example.com\""), yaml)
        XCTAssertTrue(yaml.contains("{name: \"@\", type: MX, ttl: 5m, value: \"10 mail\"}"), yaml)
        XCTAssertTrue(yaml.contains("{name: \"@\", type: NS, value: \"ns.other.net.\"}"), yaml)
        XCTAssertTrue(yaml.contains("{name: \"@\", type: TXT, value: \"v=spf1 mx -all\"}"), yaml)
        XCTAssertTrue(yaml.contains("{name: \"_sip._tcp\", type: SRV, value: \"10 5 5060 sip\"}"), yaml)
    }
}

/// Import without bind9-utils: the built-in loader reads what BIND reads, and its import round-trips.
final class BuiltinImportTests: XCTestCase {
    struct Wire: Hashable {
        var owner: String
        var ttl: UInt32
        var type: UInt16
        var rdata: [UInt8]
    }

    static func wire(_ records: [ZoneRecord]) -> Set<Wire> {
        Set(
            records.filter { !ImportRoundTripTests.notCarried.contains($0.typeName) }.map {
                Wire(owner: $0.owner.absoluteText, ttl: $0.ttl, type: $0.type, rdata: $0.rdata)
            })
    }

    static func load(_ text: String, origin: String) -> [ZoneRecord] {
        BuiltinZoneChecker().analyze(bytes: Array(text.utf8), fileName: "z", origin: origin, options: .loadOnly).records
    }

    func testBuiltinLoadAndImportAgreeWithBIND() throws {
        let named = try XCTUnwrap(NamedCheckzone.find(), "named-checkzone is required: apt-get install bind9-utils")
        let corpus = ImportRoundTripTests.corpus
        let tsv = try String(contentsOf: corpus.appendingPathComponent("verdicts.tsv"), encoding: .utf8)
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(corpus.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        var seen = Set<String>()
        var differ: [String] = []
        for row in tsv.split(separator: "\n").dropFirst() {
            let c = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count > 4, c[3] == "0", !c[2].contains("-f raw"), seen.insert(c[0]).inserted else { continue }
            // BIND's canonical dump, read back, is what BIND loaded, in wire form.
            let dump = try named.dump(path: "zones/\(c[0])", origin: c[1]).records
                .map { "\($0.owner) \($0.ttl) IN \($0.type) \($0.rdata)" }.joined(separator: "\n")
            let bind = Self.wire(Self.load(dump, origin: c[1]))
            let analysis = BuiltinZoneChecker().analyze(path: "zones/\(c[0])", origin: c[1], options: .loadOnly)
            let ours = Self.wire(analysis.records)
            // The importer fed by the built-in loader, rendered and loaded again.
            let yaml = ZoneImporter.manifest(
                records: CanonicalRecord.from(analysis.records), origin: c[1], account: "acme", source: c[0]
            ).yaml
            let domain = try XCTUnwrap(
                try ManifestLoader.load(InMemorySource(["d.yaml": yaml])).manifests.domains.first)
            let again = Self.wire(
                Self.load(ZoneRenderer.render(ZoneInput(domain: domain, nameServers: []), serial: 1).text, origin: c[1])
            )
            if bind != ours || ours != again {
                differ.append(
                    "\(c[0]): load \(bind == ours ? "same" : "differs"), import \(ours == again ? "same" : "differs")")
            }
        }
        print("builtin load and import: \(seen.count - differ.count) of \(seen.count) zones as BIND loads them")
        XCTAssertEqual(differ, [])
    }
}
