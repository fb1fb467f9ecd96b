import Foundation
import XCTest

/// What `apply` refuses before any server is contacted.
final class ApplySafetyTests: XCTestCase {
    func testNamesWithShellMetacharactersNeverReachAScript() throws {
        let work = try GitWork.make()
        defer { work.remove() }
        for (index, name) in ["a;touch", "$(id)", "a b", "`id`"].enumerated() {
            try work.write(
                "accounts/acme/bad\(index).yaml",
                "apiVersion: baton/v1\nkind: SystemUser\nmetadata: {name: \(YAMLQuote.quoted(name))}\nspec: {account: acme}\n"
            )
        }
        try work.write(
            "accounts/acme/badapp.yaml",
            "apiVersion: baton/v1\nkind: WebApp\nmetadata: {name: site}\nspec: {account: acme, type: static, path: \"/home/acme/$(id)\"}\n"
        )
        try work.commit("hostile names")
        let apply = try BatonProcess.run(
            ["apply", "--repo", work.path, "--yes", "--zone-checker", "none"],
            environment: ["BATON_SSH_KEY": "/nonexistent/key"])
        XCTAssertEqual(apply.status, 1)
        XCTAssertTrue(apply.stderr.contains("not valid: nothing applied"), apply.stderr)
        for rule in ["[name.user]", "[webapp.path]"] {
            XCTAssertTrue(apply.stdout.contains(rule), "\(rule) in\n\(apply.stdout)")
        }
        XCTAssertFalse(apply.stdout.contains("@@BATON"), "no script was built")
        XCTAssertEqual(try work.git("branch", "--list", "baton/status"), "", "nothing recorded")
    }

    func testNoKeyNoRun() throws {
        let work = try GitWork.make()
        defer { work.remove() }
        let apply = try BatonProcess.run(
            ["apply", "--repo", work.path, "--yes"], environment: ["BATON_SSH_KEY": ""].filter { _ in false })
        XCTAssertEqual(apply.status, 1)
        XCTAssertTrue(apply.stderr.contains("BATON_SSH_KEY"), apply.stderr)
    }
}

/// YAML double quotes for the test's hostile names.
enum YAMLQuote {
    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
