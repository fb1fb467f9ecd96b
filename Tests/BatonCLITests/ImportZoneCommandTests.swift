import Foundation
import XCTest

final class ImportZoneCommandTests: XCTestCase {
    var scratch: URL?

    override func tearDown() {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func testImportWritesAManifestThatValidates() throws {
        let zone = """
            $TTL 3600
            @ IN SOA ns1.hosting.example. hostmaster 1 3600 900 604800 300
            @ IN NS ns1.hosting.example.
            @ IN A 192.0.2.10
            www IN CNAME @
            secure IN RRSIG A 8 3 300 20300101000000 20200101000000 12345 example.com. AAAA

            """
        let dir = try BatonProcess.repository([
            "old/example.com.zone": zone,
            "accounts/acme/account.yaml": ValidateCommandTests.account,
        ])
        scratch = dir
        let out = dir.appendingPathComponent("accounts/acme/example.com.yaml").path
        let run = try BatonProcess.run([
            "import", "zone", dir.appendingPathComponent("old/example.com.zone").path, "--origin", "example.com.",
            "--account", "acme", "--out", out,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("RRSIG skipped"), run.stderr)
        let yaml = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(yaml.contains("{name: \"www\", type: CNAME, value: \"@\"}"), yaml)
        let validate = try BatonProcess.run(["validate", dir.path, "--zone-checker", "named-checkzone"])
        XCTAssertEqual(validate.status, 0, validate.stdout)
    }

    func testTheBuiltinLoaderImportsTheSame() throws {
        let dir = try BatonProcess.repository([
            "z": "$TTL 3600\n@ IN SOA ns1 h 1 1 1 1 1\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN TXT \"a\" \"b\"\n"
        ])
        scratch = dir
        let file = dir.appendingPathComponent("z").path
        let builtin = try BatonProcess.run(["import", "zone", file, "--origin", "example.com", "--checker", "builtin"])
        let named = try BatonProcess.run([
            "import", "zone", file, "--origin", "example.com", "--checker", "named-checkzone",
        ])
        XCTAssertEqual(builtin.status, 0, builtin.stderr)
        // Records come in the order each loader keeps (BIND's is canonical DNSSEC order); the lines are the same.
        XCTAssertEqual(builtin.stdout.split(separator: "\n").sorted(), named.stdout.split(separator: "\n").sorted())
        XCTAssertTrue(builtin.stdout.contains("value: [\"a\", \"b\"]"), builtin.stdout)
    }

    func testAZoneThatDoesNotLoadIsRefused() throws {
        let dir = try BatonProcess.repository([
            "z": "$TTL 3600\n@ IN SOA ns1 h 1 1 1 1 1\n@ IN NS ns1\nns1 IN A 1.2.3.999\n"
        ])
        scratch = dir
        let run = try BatonProcess.run([
            "import", "zone", dir.appendingPathComponent("z").path, "--origin", "example.com",
        ])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("bad dotted quad"), run.stderr)
        XCTAssertEqual(run.stdout, "")
    }
}
