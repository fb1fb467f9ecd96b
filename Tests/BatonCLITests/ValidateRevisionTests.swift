import Foundation
import XCTest

final class ValidateRevisionTests: XCTestCase {
    func testValidatesACommittedRevisionNotTheWorkTree() throws {
        let repo = try BatonProcess.repository(["accounts/acme/account.yaml": ValidateCommandTests.account])
        defer { try? FileManager.default.removeItem(at: repo) }
        for args in [
            ["init", "-q"], ["add", "-A"],
            ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "valid"],
        ] {
            let p = try Process.run(URL(fileURLWithPath: "/usr/bin/git"), arguments: ["-C", repo.path] + args)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
        }
        try "kind: [\n".write(
            to: repo.appendingPathComponent("accounts/acme/broken.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try BatonProcess.run(["validate", repo.path, "--zone-checker", "none"]).status, 1)
        let committed = try BatonProcess.run(["validate", repo.path, "--rev", "HEAD", "--zone-checker", "none"])
        XCTAssertEqual(committed.status, 0, committed.stdout + committed.stderr)
        let unknown = try BatonProcess.run(["validate", repo.path, "--rev", "no-such-branch"])
        XCTAssertEqual(unknown.status, 3)
        XCTAssertTrue(unknown.stderr.contains("no-such-branch"), unknown.stderr)
    }
}
