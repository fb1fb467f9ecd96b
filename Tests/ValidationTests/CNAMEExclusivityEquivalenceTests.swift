import Manifests
import TestSupport
import XCTest

@testable import Validation

/// The CNAME exclusivity check keeps the records at each CNAME's name as a chain of positions and each Domain's
/// CNAME names as a list; it kept copies of the records in an array per name and a set per Domain. These tests
/// hold it to that earlier check (kept below as it was) on generated repositories where names collide within a
/// Domain, across a zone and its subdomain Domains, across files, in upper case, and in zones with many CNAMEs.
final class CNAMEExclusivityEquivalenceTests: XCTestCase {
    func testTheFindingsAreTheEarlierChecksOnGeneratedRepositories() throws {
        var rng = SplitMix64(seed: 0xC0FFEE)
        var findings = 0
        for round in 0..<200 {
            let loaded = try ManifestLoader.load(InMemorySource(Self.repository(&rng)))
            let index = RepositoryIndex(loaded.manifests)
            var now = Findings()
            DomainRules.checkCNAMEExclusivity(index, &now)
            var before = Findings()
            Self.checkAsBefore(index, &before)
            // Both walk a dictionary, whose order changes from run to run: the report sorts them.
            XCTAssertEqual(
                now.diagnostics.sorted(by: Self.order), before.diagnostics.sorted(by: Self.order), "round \(round)")
            findings += now.diagnostics.count
        }
        XCTAssertGreaterThan(findings, 500, "the generated repositories must break the rule, often")
    }

    static func order(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.location.file, a.location.line, a.location.column, a.message)
            < (b.location.file, b.location.line, b.location.column, b.message)
    }

    static func pick<T>(_ items: [T], _ rng: inout SplitMix64) -> T {
        items[Int.random(in: 0..<items.count, using: &rng)]
    }

    static func repository(_ rng: inout SplitMix64) -> [String: String] {
        let names = ["@", "www", "WWW", "shop", "mail", "x.sub", "X.Sub", "a.b", "*", "bad name"]
        let subNames = ["@", "x", "X", "www", "y"]
        let types = ["CNAME", "CNAME", "A", "TXT", "MX", "AAAA"]
        let values = ["CNAME": "target", "A": "192.0.2.1", "TXT": "hi", "MX": "10 mail", "AAAA": "2001:db8::1"]
        func records(_ names: [String], count: Int) -> String {
            (0..<count).map { _ in
                let type = pick(types, &rng)
                return "    - {name: \"\(pick(names, &rng))\", type: \(type), value: \"\(values[type]!)\"}\n"
            }.joined()
        }
        func domain(_ name: String, _ records: String) -> String {
            "---\napiVersion: baton/v1\nkind: Domain\nmetadata: {name: \(name)}\nspec:\n  account: acme\n  records:\n"
                + records
        }
        var files: [String: String] = [:]
        var a = domain("acme.example", records(names, count: Int.random(in: 0...10, using: &rng)))
        if Bool.random(using: &rng) { a += domain("sub.acme.example", records(subNames, count: 4)) }
        if Bool.random(using: &rng) { a += domain("Bad..example", records(names, count: 3)) }
        files["accounts/acme/a.yaml"] = a
        // The same zone again in another file, or a zone with many CNAME names (their set, not a list).
        if Bool.random(using: &rng) {
            files["accounts/acme/b.yaml"] = domain(
                "acme.example", records(names, count: Int.random(in: 1...5, using: &rng)))
        }
        var many = ""
        for k in 0..<Int.random(in: 0...9, using: &rng) {
            many += "    - {name: c\(k), type: CNAME, value: target}\n"
            if Bool.random(using: &rng) { many += "    - {name: C\(k), type: A, value: 192.0.2.\(k)}\n" }
        }
        files["accounts/acme/c.yaml"] = domain("many.example", many)
        return files
    }

    /// The check as it was before it kept positions.
    static func checkAsBefore(_ index: RepositoryIndex, _ f: inout Findings) {
        let domains = index.set.domains
        var cnames = Set<String>()
        for d in domains.indices where DNSName.zoneProblem(domains[d].name) == nil {
            let records = domains[d].spec.records
            for r in records.indices where records[r].type == .CNAME {
                if let fqdn = RecordRules.fqdn(records[r].name, zone: domains[d].name) { cnames.insert(fqdn) }
            }
        }
        guard !cnames.isEmpty else { return }
        let domainNames = Set(domains.map(\.name))
        var relative: [String: Set<Substring>] = [:]
        for fqdn in cnames {
            var suffix = Substring(fqdn)
            var prefixEnd = fqdn.startIndex
            while true {
                if domainNames.contains(String(suffix)) {
                    relative[String(suffix), default: []].insert(
                        prefixEnd == fqdn.startIndex ? "" : fqdn[..<fqdn.index(before: prefixEnd)])
                }
                guard let dot = suffix.firstIndex(of: ".") else { break }
                prefixEnd = fqdn.index(after: dot)
                suffix = fqdn[prefixEnd...]
            }
        }
        var owners: [String: [(type: RecordType, record: DNSRecord, origin: Origin)]] = [:]
        for d in domains.indices {
            guard let names = relative[domains[d].name], DNSName.zoneProblem(domains[d].name) == nil else { continue }
            let records = domains[d].spec.records
            for r in records.indices {
                let name = records[r].name == "@" ? "" : records[r].name
                let key = name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? name.lowercased() : name
                let named = names.count <= 4 ? names.contains { $0 == key } : names.contains(Substring(key))
                guard named, let fqdn = RecordRules.fqdn(records[r].name, zone: domains[d].name) else { continue }
                owners[fqdn, default: []].append((records[r].type, records[r], domains[d].origin))
            }
        }
        for (fqdn, records) in owners where records.contains(where: { $0.type == .CNAME }) && records.count > 1 {
            let ordered = records.sorted {
                $0.origin.location(of: $0.record, \.item) < $1.origin.location(of: $1.record, \.item)
            }
            let first = ordered[0]
            let firstAt = first.origin.location(of: first.record, \.name)
            for other in ordered.dropFirst() {
                let at = other.origin.location(of: other.record, \.name)
                let place = at.file == firstAt.file ? "line \(firstAt.line)" : "\(firstAt.file):\(firstAt.line)"
                let message =
                    other.type == .CNAME && first.type == .CNAME
                    ? "'\(fqdn)' has a second CNAME (first at \(place))"
                    : "'\(fqdn)' has a CNAME and other data (\(first.type.rawValue) at \(place), \(other.type.rawValue) here)"
                f.error(
                    at: at, "record.cname-exclusive", message,
                    hint:
                        "a name with a CNAME can have no other record; point the other records at the CNAME's target or drop the CNAME"
                )
            }
        }
    }
}
