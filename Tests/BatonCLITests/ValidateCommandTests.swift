import Foundation
import XCTest

final class ValidateCommandTests: XCTestCase {
    static let account = """
        apiVersion: baton/v1
        kind: Account
        metadata:
          name: acme
        spec:
          contact: ops@acme.example

        """

    var scratch: [URL] = []

    override func tearDown() {
        for url in scratch { try? FileManager.default.removeItem(at: url) }
    }

    func repository(_ files: [String: String]) throws -> URL {
        let url = try BatonProcess.repository(files)
        scratch.append(url)
        return url
    }

    func testValidRepositoryExitsZero() throws {
        let repo = try repository(["accounts/acme/account.yaml": Self.account])
        let out = try BatonProcess.run(["validate", repo.path])
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        XCTAssertTrue(out.stdout.contains("valid: 1 resources"), out.stdout)
    }

    func testTextFormatIsRelativeSortedAndComplete() throws {
        let repo = try repository([
            "b.yaml": Self.account.replacingOccurrences(of: "contact: ops@acme.example", with: "contact: nobody"),
            "a.yaml": "apiVersion: baton/v1\nkind: Acount\n",
        ])
        let out = try BatonProcess.run(["validate", repo.path], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(out.status, 1)
        let lines = out.stdout.split(separator: "\n").filter { !$0.hasPrefix("    hint:") && $0.contains(": error: ") }
        XCTAssertEqual(lines.count, 2, out.stdout)
        XCTAssertTrue(lines[0].hasPrefix("a.yaml:2:7: error: "), String(lines[0]))
        XCTAssertTrue(lines[0].hasSuffix("[schema.enum]"), String(lines[0]))
        XCTAssertTrue(lines[0].contains("did you mean 'Account'"), String(lines[0]))
        XCTAssertTrue(lines[1].hasPrefix("b.yaml:6:12: error: "), String(lines[1]))
        XCTAssertTrue(lines[1].hasSuffix("[account.contact]"), String(lines[1]))
        XCTAssertFalse(out.stdout.contains("\u{1B}["), "no colour off a terminal")
        XCTAssertTrue(out.stdout.contains("    hint: "))
    }

    func testJSONFormat() throws {
        let repo = try repository(["x.yaml": "apiVersion: baton/v1\nkind: Account\nmetadata: {name: acme}\nspec: {}\n"])
        let out = try BatonProcess.run(["validate", repo.path, "--format", "json"])
        XCTAssertEqual(out.status, 1)
        let array = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 1)
        let d = try XCTUnwrap(array.first)
        XCTAssertEqual(d["file"] as? String, "x.yaml")
        XCTAssertEqual(d["line"] as? Int, 4)
        XCTAssertEqual(d["severity"] as? String, "error")
        XCTAssertEqual(d["rule"] as? String, "schema.required")
        XCTAssertNotNil(d["column"] as? Int)
        XCTAssertFalse((d["hint"] as? String ?? "").isEmpty)
        XCTAssertFalse((d["message"] as? String ?? "").isEmpty)
    }

    func testGitHubAnnotationsEscapeTheirData() throws {
        let repo = try repository(["x.yaml": "apiVersion: baton/v1\nkind: Account\nmetadata: {name: acme}\nspec: {}\n"])
        let out = try BatonProcess.run(["validate", repo.path, "--format", "github"])
        XCTAssertEqual(out.status, 1)
        let line = try XCTUnwrap(out.stdout.split(separator: "\n").first)
        XCTAssertTrue(line.hasPrefix("::error file=x.yaml,line=4,col="), String(line))
        XCTAssertTrue(line.contains("%0Ahint: "), "the hint follows on an escaped new line: \(line)")
    }

    func testUnreadablePathExitsThree() throws {
        let out = try BatonProcess.run(["validate", "/nonexistent/baton-repo"])
        XCTAssertEqual(out.status, 3)
        XCTAssertTrue(out.stderr.contains("no such file or directory"), out.stderr)
    }

    /// A checker that crashes says nothing about the zone: the run could not do its job (3), not "invalid" (1).
    func testAZoneCheckerThatCrashesExitsThree() throws {
        let repo = try repository([
            "accounts/acme/account.yaml": Self.account,
            "accounts/acme/domain.yaml": """
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: acme.example}
            spec:
              account: acme
              records:
                - {name: "@", type: NS, value: ns1.acme.example.}
                - {name: ns1, type: A, value: 192.0.2.1}

            """,
            "bin/named-checkzone": "#!/bin/sh\necho 'error while loading shared libraries: libdns.so' >&2\nexit 127\n",
        ])
        XCTAssertEqual(chmod(repo.appendingPathComponent("bin/named-checkzone").path, 0o755), 0)
        let out = try BatonProcess.run(
            ["validate", repo.path, "--zone-checker", "named-checkzone", "--no-cache", "--format", "json"],
            environment: ["PATH": repo.appendingPathComponent("bin").path + ":/usr/bin:/bin"])
        XCTAssertEqual(out.status, 3, out.stdout + out.stderr)
        XCTAssertTrue(out.stdout.contains("zone.checker-unavailable"), out.stdout)
        XCTAssertTrue(out.stdout.contains("failed (exit status 127): error while loading shared libraries"), out.stdout)
    }

    func testUnknownFormatIsAUsageError() throws {
        let out = try BatonProcess.run(["validate", ".", "--format", "xml"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertNotEqual(out.status, 1)
    }

    func testHiddenFoldersAndIgnoredFilesAreSkipped() throws {
        let repo = try repository([
            "accounts/acme/account.yaml": Self.account,
            ".github/workflow.yaml": "on: push\n",
            "ci/pipeline.yml": "stages: [x]\n",
            ".batonignore": "# CI files are not manifests\nci/\n",
        ])
        let out = try BatonProcess.run(["validate", repo.path])
        XCTAssertEqual(out.status, 0, out.stdout)
        XCTAssertTrue(out.stdout.contains("in 1 files"), out.stdout)
    }

    func testVersionNamesTheCLibraries() throws {
        let out = try BatonProcess.run(["version"])
        XCTAssertEqual(out.status, 0)
        for library in ["libyaml 0.", "libgit2 1.", "libssh2 1."] {
            XCTAssertTrue(out.stdout.contains(library), out.stdout)
        }
    }
}

/// `baton validate` reports a monitor condition that cannot be evaluated at its own line, with a hint.
final class MonitorConditionValidateTests: XCTestCase {
    func testBadConditionIsReportedAtItsLine() throws {
        let site = """
            apiVersion: baton/v1
            kind: MonitoredSite
            metadata:
              name: www
            spec:
              account: acme
              url: https://www.acme.example/
              conditions:
                - "[STATUS] == 200"
                - "[CERTIFICATE_EXPIRATION] > 14"

            """
        let repo = try BatonProcess.repository([
            "accounts/acme/account.yaml": ValidateCommandTests.account, "accounts/acme/www.yaml": site,
        ])
        defer { try? FileManager.default.removeItem(at: repo) }
        let out = try BatonProcess.run(["validate", repo.path], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(out.status, 1, out.stdout + out.stderr)
        let lines = out.stdout.split(separator: "\n").map(String.init)
        let error = try XCTUnwrap(lines.first { $0.contains("[monitor.condition]") }, out.stdout)
        XCTAssertTrue(error.hasPrefix("accounts/acme/www.yaml:10:7: error: "), error)
        XCTAssertTrue(error.contains("compares a duration ([CERTIFICATE_EXPIRATION]) with the number 14"), error)
        let hint = try XCTUnwrap(lines.drop { $0 != error }.dropFirst().first)
        XCTAssertTrue(hint.contains("hint: give the value a unit: 14ms, 14s, 14m, 14h or 14d"), hint)

        let fixed = site.replacingOccurrences(of: "> 14\"", with: "> 14d\"")
        let good = try BatonProcess.repository([
            "accounts/acme/account.yaml": ValidateCommandTests.account, "accounts/acme/www.yaml": fixed,
        ])
        defer { try? FileManager.default.removeItem(at: good) }
        let ok = try BatonProcess.run(["validate", good.path])
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
    }
}
