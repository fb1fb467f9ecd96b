import Foundation
import TestSupport
import XCTest

/// The repository as an attacker who can push would shape it (issue 16): trees and status commits made with git
/// plumbing, read by the built binary. What a reviewer sees is what Baton plans, and Baton writes only its refs.
final class UntrustedRepositoryTests: XCTestCase {
    var work: GitWork!

    override func setUpWithError() throws {
        work = try GitWork.make()
    }

    override func tearDown() {
        work.remove()
    }

    func refs() throws -> String {
        try work.git("for-each-ref", "--format=%(refname) %(objectname)")
    }

    /// A raw tree object from entries (`mode`, name bytes, object id) in git's order.
    func tree(_ entries: [(mode: String, name: [UInt8], id: String)]) throws -> String {
        let file = work.root.appendingPathComponent("tree-\(UUID().uuidString)")
        try Data(RawTree.encode(entries.map { RawTree.Entry($0.mode, $0.name, $0.id) })).write(to: file)
        return try work.git("hash-object", "-t", "tree", "-w", "--literally", file.path)
    }

    /// The entries of a tree of the repository, as `tree` takes them.
    func entries(_ treeish: String) throws -> [(mode: String, name: [UInt8], id: String)] {
        try work.git("ls-tree", treeish).split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            let fields = parts[0].split(separator: " ")
            return (fields[0] == "040000" ? "40000" : String(fields[0]), Array(parts[1].utf8), String(fields[2]))
        }
    }

    func blob(_ text: String) throws -> String {
        let file = work.root.appendingPathComponent("blob-\(UUID().uuidString)")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try work.git("hash-object", "-w", file.path)
    }

    /// HEAD's tree with `extra` entries added to the folder `folder` ("" for the root), committed on main.
    func commitWith(_ extra: [(mode: String, name: [UInt8], id: String)], in folder: String = "") throws -> String {
        var tree = try self.tree(try entries("HEAD:\(folder)") + extra)
        var path = folder.split(separator: "/").map(String.init)
        while let name = path.popLast() {
            let parent = path.joined(separator: "/")
            tree = try self.tree(
                try entries("HEAD:\(parent)").filter { $0.name != Array(name.utf8) } + [
                    ("40000", Array(name.utf8), tree)
                ])
        }
        let commit = try work.git("commit-tree", tree, "-p", "HEAD", "-m", "hostile")
        try work.git("update-ref", "refs/heads/main", commit)
        return commit
    }

    // MARK: Finding 1: a baton.yaml in the tree chose the branch Baton committed to.

    func testAStatusBranchOutsideBatonsOwnIsRefusedWithRefsUnchanged() throws {
        let bare = work.root.appendingPathComponent("remote.git").path
        try work.git("clone", "-q", "--bare", work.path, bare, in: work.root.path)
        try work.git("remote", "add", "origin", bare)
        try work.git("fetch", "-q", "origin")
        let first = try work.git("rev-parse", "HEAD")
        for name in ["main", "origin/main", "refs/heads/main", "baton/../main"] {
            try work.write("baton.yaml", "statusBranch: \(name)\n")
            try work.write(".batonignore", "applied.yaml\ninventory.yaml\n")
            try work.write(
                "applied.yaml",
                "formatVersion: 1\nrevision: \"\(first)\"\ntime: \"2026-12-02T10:00:00Z\"\nrun: \"x\"\nservers: {}\n")
            try work.write("inventory.yaml", "formatVersion: 1\nservers: {}\n")
            try work.commit("status on \(name)")
            let before = try refs()
            for command in ["adopt", "plan", "apply"] {
                let run = try BatonProcess.run(
                    [command, "--repo", work.path, "--zone-checker", "builtin"] + (command == "apply" ? ["--yes"] : []),
                    environment: ["BATON_SSH_KEY": "/nonexistent/key"])
                XCTAssertEqual(run.status, 1, "\(command) with \(name): \(run.stdout)")
                XCTAssertTrue(run.stderr.contains("statusBranch"), run.stderr)
                XCTAssertTrue(run.stderr.contains("baton/"), run.stderr)
                XCTAssertEqual(try refs(), before, "\(command) with statusBranch \(name) wrote a ref")
            }
            XCTAssertEqual(try work.git("status", "--porcelain"), "", "the work tree is untouched")
        }
        // A branch of Baton's own is used, and shadows nothing.
        try work.write("baton.yaml", "statusBranch: baton/production\n")
        try work.commit("own status branch")
        let adopted = try BatonProcess.run(["adopt", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(adopted.status, 0, adopted.stderr)
        XCTAssertNoThrow(try work.git("rev-parse", "--verify", "-q", "refs/heads/baton/production"))
    }

    // MARK: Findings 2, 3, 5: trees a reviewer cannot read as Baton would.

    func testTreesGitWouldRefuseAreRefusedByPlanWithTheirPaths() throws {
        let forged = try work.read("accounts/globex/webapps.yaml").replacingOccurrences(
            of: "processes: 16", with: "processes: \"99\"")
        let account = try work.git("rev-parse", "HEAD:accounts/acme/account.yaml")
        var deep = try tree([("100644", Array("deep.yaml".utf8), account)])
        for _ in 0..<99 { deep = try tree([("40000", Array("d".utf8), deep)]) }
        let cases: [(String, () throws -> String, String)] = [
            (
                "slash",
                {
                    try self.commitWith([("100644", Array("accounts/globex/webapps.yaml".utf8), try self.blob(forged))])
                },
                "accounts/globex/webapps.yaml"
            ),
            (
                "NFC and NFD",
                {
                    try self.commitWith(
                        [
                            ("100644", Array("caf\u{E9}.yaml".utf8), account),
                            ("100644", Array("cafe\u{301}.yaml".utf8), account),
                        ],
                        in: "accounts/acme")
                }, "accounts/acme/caf"
            ),
            (
                "100 deep", { try self.commitWith([("40000", Array("d".utf8), deep)], in: "accounts") },
                "accounts/d/d/d/d"
            ),
            (
                "not UTF-8",
                { try self.commitWith([("100644", [0xFF, 0x2E, 0x79, 0x6D, 0x6C], account)], in: "accounts") },
                "accounts/\\xff.yml"
            ),
        ]
        let base = try work.git("rev-parse", "HEAD")
        for (label, make, path) in cases {
            try work.git("update-ref", "refs/heads/main", base)
            let rev = try make()
            let plan = try work.plan("--rev", rev)
            XCTAssertEqual(plan.status, 1, "\(label): \(plan.stdout)")
            XCTAssertTrue(plan.stdout.contains(path), "\(label): \(plan.stdout)")
            XCTAssertTrue(plan.stdout.contains("[tree."), "\(label): \(plan.stdout)")
            XCTAssertFalse(plan.stdout.contains("99"), "\(label): the forged file was read")
            let validate = try BatonProcess.run(["validate", work.path, "--rev", rev, "--format", "json"])
            XCTAssertEqual(validate.status, 1, "\(label): \(validate.stdout)")
        }
    }

    func testAFileNameThatForgesAnAnnotationYieldsOne() throws {
        let account = try work.git("rev-parse", "HEAD:accounts/acme/account.yaml")
        let rev = try commitWith(
            [("100644", Array("users\n::error file=x.yaml,line=1::forged%0A.yaml".utf8), account)], in: "accounts/acme")
        let github = try BatonProcess.run(["validate", work.path, "--rev", rev, "--format", "github"])
        XCTAssertEqual(github.status, 1, github.stdout)
        let lines = github.stdout.split(separator: "\n", omittingEmptySubsequences: true)
        XCTAssertEqual(lines.count, 1, github.stdout)
        XCTAssertTrue(lines[0].hasPrefix("::error file=accounts/acme/users"), github.stdout)
        XCTAssertFalse(lines[0].dropFirst(2).contains("::error"), "one command per line: \(github.stdout)")
        // The file property: no raw ',' or ':' to end it early, '%' escaped.
        let file = lines[0].split(separator: ",line=")[0]
        XCTAssertFalse(file.dropFirst("::error file=".count).contains(where: { ":,".contains($0) }), String(file))
        XCTAssertTrue(file.contains("%250A"), String(file))

        let json = try BatonProcess.run(["validate", work.path, "--rev", rev, "--format", "json"])
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(parsed.count, 1)
        XCTAssertEqual(parsed.first?["rule"] as? String, "tree.name")
        let text = try BatonProcess.run(["validate", work.path, "--rev", rev])
        XCTAssertEqual(text.stdout.split(separator: "\n").filter { $0.contains("error:") }.count, 1, text.stdout)
    }

    // MARK: Finding 4: a forged status branch decided deletes and hid changes.

    /// Plans HEAD and records it as applied by hand; returns the status branch's inventory.
    func applyByHand() throws -> String {
        let json = try work.plan("--format", "json")
        XCTAssertEqual(json.status, 2, json.stderr)
        try work.recordApplied(planJSON: json.stdout)
        return try work.inventory() + "\n"
    }

    func applied(_ revision: String) -> String {
        "formatVersion: 1\nrevision: \"\(revision)\"\ntime: \"2026-12-02T10:00:00Z\"\nrun: \"by-hand\"\nservers: {}\n"
    }

    /// `apply` stops as `plan` does, before any server is contacted (the key does not even exist), refs unchanged.
    func assertApplyStops(because text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try refs()
        let apply = try BatonProcess.run(
            ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin"],
            environment: ["BATON_SSH_KEY": "/nonexistent/key"])
        XCTAssertEqual(apply.status, 1, apply.stdout, file: file, line: line)
        XCTAssertTrue(apply.stderr.contains(text), apply.stderr, file: file, line: line)
        XCTAssertFalse(apply.stdout.contains("@@BATON"), "no script was built", file: file, line: line)
        XCTAssertEqual(try refs(), before, file: file, line: line)
    }

    func testAForgedInventoryEntryPlansNoDeleteAndAdoptDropsIt() throws {
        let inventory = try applyByHand()
        let head = try work.git("rev-parse", "HEAD")
        XCTAssertEqual(try work.plan().status, 0)
        // One line added under the first server: an account no revision ever declared, from a real revision.
        var lines = inventory.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let server = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("  \"") })
        lines.insert(
            "    - {kind: Account, name: \"victim\", account: \"victim\", hash: \"sha256:00\", revision: \"\(head)\"}",
            at: server + 1)
        try work.commitStatus(["applied.yaml": applied(head), "inventory.yaml": lines.joined(separator: "\n")])

        let plan = try work.plan()
        XCTAssertEqual(plan.status, 1, plan.stdout)
        XCTAssertFalse(plan.stdout.contains("victim"), "no delete is planned: \(plan.stdout)")
        XCTAssertTrue(plan.stderr.contains("Account/victim"), plan.stderr)
        XCTAssertTrue(plan.stderr.contains("no revision in this repository declared"), plan.stderr)
        XCTAssertTrue(plan.stderr.contains("baton adopt"), plan.stderr)
        try assertApplyStops(because: "Account/victim")

        // The repair the message names: adopt drops the entry (deleting nothing anywhere), and the plan is clean.
        let adopt = try BatonProcess.run(["adopt", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(adopt.status, 0, adopt.stderr)
        XCTAssertTrue(adopt.stderr.contains("Account/victim"), adopt.stderr)
        XCTAssertFalse(try work.inventory().contains("victim"))
        let after = try work.plan()
        XCTAssertEqual(after.status, 0, after.stdout + after.stderr)
    }

    func testAStatusBranchFromAnotherRepositoryIsRefused() throws {
        let inventory = try applyByHand()
        let head = try work.git("rev-parse", "HEAD")
        // Another repository's status branch: its revisions do not exist here, its hashes match what is planned.
        let foreign = String(repeating: "7", count: 40)
        try work.commitStatus([
            "applied.yaml": applied(foreign), "inventory.yaml": inventory.replacingOccurrences(of: head, with: foreign),
        ])
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 1, "not 'No changes': \(plan.stdout)")
        XCTAssertTrue(plan.stderr.contains("no such commit"), plan.stderr)
        XCTAssertTrue(plan.stderr.contains(foreign), plan.stderr)
        XCTAssertTrue(plan.stderr.contains("baton adopt"), plan.stderr)
        try assertApplyStops(because: "no such commit")
        // A name that resolves here is no commit id either.
        try work.commitStatus(["applied.yaml": applied("main"), "inventory.yaml": inventory])
        XCTAssertEqual(try work.plan().status, 1)

        let adopt = try BatonProcess.run(["adopt", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(adopt.status, 0, adopt.stderr)
        let after = try work.plan()
        XCTAssertEqual(after.status, 0, after.stdout + after.stderr)
        XCTAssertFalse(try work.inventory().contains(foreign))
    }

    func testDuplicateInventoryEntriesAreCorruption() throws {
        let inventory = try applyByHand()
        let head = try work.git("rev-parse", "HEAD")
        var lines = inventory.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let entry = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("    - {") })
        lines.insert(lines[entry], at: entry + 1)
        try work.commitStatus(["applied.yaml": applied(head), "inventory.yaml": lines.joined(separator: "\n")])
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 1, plan.stdout)
        XCTAssertTrue(plan.stderr.contains("inventory.yaml:\(entry + 2):"), plan.stderr)
        XCTAssertTrue(plan.stderr.contains("a second entry for"), plan.stderr)
    }

    func testAPlanThatGoesBackFromTheAppliedRevisionSaysSo() throws {
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.40", "value: 203.0.113.41")
        try work.commit("sip")
        _ = try applyByHand()
        let back = try work.plan("--rev", "HEAD~1")
        XCTAssertEqual(back.status, 2, back.stderr)
        XCTAssertTrue(back.stderr.contains("does not descend from the one last applied"), back.stderr)
        let ahead = try work.plan()
        XCTAssertFalse(ahead.stderr.contains("does not descend"), ahead.stderr)
    }
}
