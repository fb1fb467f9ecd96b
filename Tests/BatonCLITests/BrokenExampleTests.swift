import Foundation
import XCTest

/// `examples/broken` plants one mistake per kind of rule; `EXPECTED.tsv` lists each diagnostic it must give.
/// The comparison is exact both ways, so the example and its list cannot drift apart.
final class BrokenExampleTests: XCTestCase {
    struct Row: Hashable, Comparable, CustomStringConvertible {
        var file: String
        var line: Int
        var rule: String

        var description: String { "\(file):\(line) [\(rule)]" }

        static func < (a: Row, b: Row) -> Bool { (a.file, a.line, a.rule) < (b.file, b.line, b.rule) }
    }

    /// The rule families the example must keep planting (see examples/broken/README.md).
    static let plantedRules: Set<String> = [
        "yaml.syntax", "yaml.duplicate-key", "schema.unknown-key", "schema.type", "schema.required",
        "resource.duplicate", "name.user", "name.account", "name.webapp", "name.domain", "ref.account", "ref.user",
        "ref.server", "ref.domain", "tenancy.folder", "tenancy.cross-account", "tenancy.subdomain-split",
        "tenancy.fqdn-conflict", "limits.web-apps", "home.absolute", "home.dot-component", "home.double-slash",
        "home.trailing-slash", "home.control-char", "home.too-long", "home.dash", "home.forbidden", "home.main",
        "home.other-account", "home.secondary", "secret.plaintext-password", "secret.password-hash", "php.ini-key",
        "php.ini-value", "record.a", "record.aaaa", "record.cname", "record.mx", "record.ns", "record.txt",
        "record.srv", "record.caa", "record.ptr", "record.cname-exclusive", "record.ttl",
    ]

    func run(_ arguments: [String]) throws -> BatonProcess.Output {
        let binary = BatonProcess.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("no baton binary at \(binary.path); run `swift build` first, or set BATON_BIN")
            throw CocoaError(.fileNoSuchFile)
        }
        return try BatonProcess.run(arguments, environment: ["NO_COLOR": "1"])
    }

    func expectedRows() throws -> [Row] {
        let url = BatonProcess.packageRoot.appendingPathComponent("examples/broken/EXPECTED.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, let number = Int(fields[1]) else {
                XCTFail("EXPECTED.tsv: malformed row '\(line)'")
                throw CocoaError(.fileReadCorruptFile)
            }
            return Row(file: String(fields[0]), line: number, rule: String(fields[2]))
        }
    }

    func diagnostics(_ json: String) throws -> [Row] {
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8))
        let objects = try XCTUnwrap(parsed as? [[String: Any]], "not a JSON array of objects: \(json.prefix(200))")
        return try objects.map { object in
            Row(
                file: try XCTUnwrap(object["file"] as? String), line: try XCTUnwrap(object["line"] as? Int),
                rule: try XCTUnwrap(object["rule"] as? String))
        }
    }

    func testBrokenExampleReportsExactlyTheExpectedDiagnostics() throws {
        let out = try run(["validate", "examples/broken", "--format", "json", "--zone-checker", "none"])
        XCTAssertEqual(out.status, 1, out.stderr)
        let actual = try diagnostics(out.stdout)
        let expected = try expectedRows()
        XCTAssertEqual(Set(expected).count, expected.count, "EXPECTED.tsv lists a row twice")

        let missing = expected.filter { !actual.contains($0) }
        let unexpected = actual.filter { !expected.contains($0) }
        XCTAssertEqual(missing.map(\.description), [], "expected but not reported")
        XCTAssertEqual(unexpected.map(\.description), [], "reported but not in EXPECTED.tsv")
        XCTAssertEqual(actual.count, expected.count, "the same diagnostic was reported more than once")
        XCTAssertEqual(actual, actual.sorted(), "diagnostics are not in report order")
    }

    func testExpectedListKeepsEveryPlantedRule() throws {
        let rules = Set(try expectedRows().map(\.rule))
        XCTAssertEqual(Self.plantedRules.subtracting(rules).sorted(), [], "rule families no longer planted")
    }

    func testTextFormatNamesTheSameDiagnostics() throws {
        let out = try run(["validate", "examples/broken", "--zone-checker", "none"])
        XCTAssertEqual(out.status, 1)
        let expected = try expectedRows()
        let lines = out.stdout.split(separator: "\n").filter { $0.hasSuffix("]") && $0.contains(": error: ") }
        XCTAssertEqual(lines.count, expected.count, "diagnostic lines in the text report")
        for row in expected {
            XCTAssertTrue(
                lines.contains { $0.hasPrefix("\(row.file):\(row.line):") && $0.hasSuffix("[\(row.rule)]") },
                "\(row) not in the text report")
        }
        XCTAssertTrue(
            out.stdout.contains("examples/broken: \(expected.count) error(s)"), String(out.stdout.suffix(300)))
    }

    func testHostingExampleIsValid() throws {
        let text = try run(["validate", "examples/hosting"])
        XCTAssertEqual(text.status, 0, text.stdout + text.stderr)
        XCTAssertTrue(text.stdout.contains("examples/hosting: valid:"), text.stdout)

        let json = try run(["validate", "examples/hosting", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stdout + json.stderr)
        XCTAssertEqual(try diagnostics(json.stdout), [])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any]
        XCTAssertEqual(parsed?.count, 0)
    }

    /// examples/broken/README.md promises exactly EXPECTED.tsv from `baton validate examples/broken`, whichever
    /// checkers check the zones: a message two checkers give at one place is reported once.
    func testEveryZoneCheckerGivesExactlyTheExpectedDiagnostics() throws {
        let expected = try expectedRows()
        for checker in [nil, "both", "builtin", "named-checkzone"] {
            let out = try run(
                ["validate", "examples/broken", "--format", "json", "--no-cache"]
                    + (checker.map { ["--zone-checker", $0] } ?? []))
            if out.status == 3 { continue }  // named-checkzone not installed
            XCTAssertEqual(out.status, 1, out.stderr)
            XCTAssertEqual(try diagnostics(out.stdout), expected, "--zone-checker \(checker ?? "default")")
        }
    }
}
