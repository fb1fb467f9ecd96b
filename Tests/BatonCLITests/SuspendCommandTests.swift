import Foundation
import XCTest

/// `baton suspend` and `baton resume` commit baton.yaml alone, as its author, and leave the rest of the work
/// tree and the index as they were.
final class SuspendCommandTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        work = try BatonProcess.repository([
            "baton.yaml": "# Baton's settings\nsafety:\n  deleteThreshold: 30%\n",
            "accounts/acme/account.yaml":
                "apiVersion: baton/v1\nkind: Account\nmetadata: {name: acme}\nspec: {contact: ops@acme.example}\n",
        ])
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Ada Ops")
        try git("config", "user.email", "ada@example.com")
        try git("add", "-A")
        try git("commit", "-q", "-m", "first")
    }

    override func tearDown() { if let work { try? FileManager.default.removeItem(at: work) } }

    @discardableResult
    func git(_ args: String...) throws -> String {
        let result = try EndToEndTests.shell(["git"] + args, in: work)
        XCTAssertEqual(result.status, 0, "git \(args.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    /// The global flags are taken only where they are flags: the word after an option that takes a value is that
    /// option's, whatever it looks like, and an option refuses one that looks like a flag (as cargo's do);
    /// `--message=--quiet` says it. After an option's value, or a flag, they are flags as before.
    func testAGlobalFlagRightAfterAnOptionIsThatOptionsValue() throws {
        for args in [
            ["suspend", "--repo", work.path, "-m", "--quiet", "by hand"],
            ["suspend", "--repo", work.path, "--message", "--no-color", "by hand"],
            ["suspend", "--repo", work.path, "-m", "--color=never", "by hand"],
            ["suspend", "--repo", work.path, "--message", "--color", "never"],
            ["monitor", "status", "--repo", "--quiet", work.path],
        ] {
            let run = try BatonProcess.run(args)
            XCTAssertEqual(run.status, 64, "\(args): \(run.stdout)\(run.stderr)")
            XCTAssertTrue(run.stderr.contains("Missing value for '"), "\(args): \(run.stderr)")
            XCTAssertEqual(try git("rev-list", "--count", "HEAD"), "1\n", "\(args): nothing committed")
        }
        let given = try BatonProcess.run(["--quiet", "suspend", "--repo", work.path, "--message=--quiet", "--no-color"])
        XCTAssertEqual(given.status, 0, given.stderr)
        XCTAssertEqual(try git("log", "-1", "--format=%s"), "--quiet\n")
        let resumed = try BatonProcess.run(["resume", "--repo", work.path, "-m", "back", "--quiet", "--color", "never"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try git("log", "-1", "--format=%s"), "back\n")
        let plan = ["plan", "--repo", work.path, "--zone-checker", "builtin", "--no-cache"]
        let (plain, flagged) = (try BatonProcess.run(plan), try BatonProcess.run(plan + ["--quiet", "--no-color"]))
        XCTAssertNotEqual(flagged.status, 64, flagged.stderr)
        XCTAssertEqual(flagged.status, plain.status, "after a flag, a flag: \(flagged.stderr)")
        XCTAssertEqual(flagged.stdout, plain.stdout)
    }

    func testSuspendAndResumeCommitBatonYamlAlone() throws {
        // Work of the person's own, staged and not: it stays where it is.
        try "apiVersion: baton/v1\nkind: Account\nmetadata: {name: hooli}\nspec: {contact: a@hooli.example}\n"
            .write(to: work.appendingPathComponent("accounts/hooli.yaml"), atomically: true, encoding: .utf8)
        try git("add", "accounts/hooli.yaml")
        try "draft\n".write(to: work.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let before = try git("status", "--porcelain")

        let suspend = try BatonProcess.run(["suspend", "--repo", work.path, "-m", "migrating web1 by hand"])
        XCTAssertEqual(suspend.status, 0, suspend.stderr)
        XCTAssertTrue(suspend.stdout.contains("on main: baton.yaml says suspend: true"), suspend.stdout)
        XCTAssertEqual(
            try git("log", "-1", "--format=%an <%ae>|%s"), "Ada Ops <ada@example.com>|migrating web1 by hand\n")
        XCTAssertEqual(try git("show", "--name-only", "--format=", "HEAD"), "baton.yaml\n")
        XCTAssertEqual(
            try git("show", "HEAD:baton.yaml"), "# Baton's settings\nsafety:\n  deleteThreshold: 30%\nsuspend: true\n")
        XCTAssertEqual(try git("status", "--porcelain"), before, "the index and work tree as they were")

        let again = try BatonProcess.run(["suspend", "--repo", work.path])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("Already suspended"), again.stdout)
        XCTAssertEqual(try git("rev-list", "--count", "HEAD"), "2\n", "no second commit")

        let resume = try BatonProcess.run(["resume", "--repo", work.path])
        XCTAssertEqual(resume.status, 0, resume.stderr)
        XCTAssertEqual(
            try git("show", "HEAD:baton.yaml").components(separatedBy: "\n").last { !$0.isEmpty }, "suspend: false")
        XCTAssertEqual(try git("log", "-1", "--format=%s"), "baton: resume applying\n")
        XCTAssertEqual(try git("status", "--porcelain"), before)
    }

    func testUncommittedChangesToBatonYamlAreNotTakenAlong() throws {
        try "safety:\n  deleteThreshold: 90%\n".write(
            to: work.appendingPathComponent("baton.yaml"), atomically: true, encoding: .utf8)
        let refused = try BatonProcess.run(["suspend", "--repo", work.path])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("baton.yaml has changes that are not committed"), refused.stderr)
        XCTAssertEqual(try git("rev-list", "--count", "HEAD"), "1\n")
        XCTAssertEqual(
            try String(contentsOf: work.appendingPathComponent("baton.yaml"), encoding: .utf8),
            "safety:\n  deleteThreshold: 90%\n", "the person's edit is kept")
    }

    func testAPlanSaysWhatTheWindowsAndSuspendHoldBack() throws {
        try """
        apiVersion: baton/v1
        kind: Account
        metadata: {name: acme}
        spec:
          contact: ops@acme.example
          placement: {dns: [ns1]}
          maintenance: [{schedule: "0 0 29 2 *", duration: 1m}]
        ---
        apiVersion: baton/v1
        kind: Domain
        metadata: {name: acme.example}
        spec: {account: acme, records: [{name: www, type: A, value: 192.0.2.1}]}

        """.write(to: work.appendingPathComponent("accounts/acme/account.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: work.appendingPathComponent("servers"), withIntermediateDirectories: true)
        try ZonesInTheWildCommandTests.server.write(
            to: work.appendingPathComponent("servers/ns1.yaml"), atomically: true, encoding: .utf8)
        try git("add", "-A")
        try git("commit", "-q", "-am", "a window")
        XCTAssertEqual(try BatonProcess.run(["suspend", "--repo", work.path]).status, 0)
        let plan = try BatonProcess.run(["plan", "--repo", work.path, "--zone-checker", "none"])
        XCTAssertTrue(
            plan.stderr.contains(
                "1 change waits for a maintenance window of account acme (the next opens at 2028-02-29T00:00:00Z"),
            plan.stderr)
        XCTAssertTrue(plan.stderr.contains("baton.yaml suspends the daemon (suspend: true)"), plan.stderr)
    }
}
