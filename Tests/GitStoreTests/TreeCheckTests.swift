import Foundation
import GitStore
import Manifests
import TestSupport
import XCTest

/// Hostile trees, written as raw tree objects with `git hash-object --literally` (git's own `mktree` refuses most
/// of them): every one is refused whole, with the entry's path, by the revision reader.
final class TreeCheckTests: GitTestCase {
    /// A tree object from raw entries (`mode`, name bytes, object id), in the order given.
    func tree(_ entries: [(mode: String, name: [UInt8], id: String)]) throws -> String {
        let file = root.appendingPathComponent("tree-\(UUID().uuidString)")
        try Data(RawTree.encode(entries.map { RawTree.Entry($0.mode, $0.name, $0.id) }, sorted: false)).write(to: file)
        return try git("hash-object", "-t", "tree", "-w", "--literally", file.path)
    }

    func blob(_ text: String) throws -> String {
        let file = root.appendingPathComponent("blob-\(UUID().uuidString)")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try git("hash-object", "-w", file.path)
    }

    /// A commit of `tree` on `main`, as a push would bring it.
    func commit(_ tree: String) throws -> String {
        let commit = try git("commit-tree", tree, "-m", "hostile")
        try git("update-ref", "refs/heads/main", commit)
        return commit
    }

    func name(_ text: String) -> [UInt8] { Array(text.utf8) }

    func refusal(_ commit: String, file: StaticString = #filePath, line: UInt = #line) throws -> TreeProblem? {
        let repository = try GitRepository(path: work.path)
        do {
            _ = try repository.source(at: commit)
        } catch let problem as TreeProblem {
            // The incremental reader refuses the same revision.
            XCTAssertThrowsError(
                try GitRepository(path: work.path).source(at: commit, only: ["accounts/acme/account.yaml"]),
                file: file, line: line)
            return problem
        }
        XCTFail("\(commit) was read", file: file, line: line)
        return nil
    }

    /// A root tree of `accounts/acme/account.yaml` (a valid account) plus `extra` entries in `accounts/acme`.
    func acme(with extra: [(mode: String, name: [UInt8], id: String)]) throws -> String {
        let account = try blob(Self.account("acme"))
        let acme = try tree([("100644", name("account.yaml"), account)] + extra)
        let accounts = try tree([("40000", name("acme"), acme)])
        return try commit(try tree([("40000", name("accounts"), accounts)]))
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        try makeRepository()
    }

    func testAnEntryNamedLikeAPathIsRefusedWithItsPath() throws {
        // The finding: one root entry `accounts/globex/webapps.yaml` beside the real folder; a reviewer's
        // `git show REV:accounts/globex/webapps.yaml` reads the real file, Baton read the forged one.
        let real = try tree([("100644", name("account.yaml"), try blob(Self.account("globex")))])
        let accounts = try tree([("40000", name("globex"), real)])
        let forged = try blob(Self.account("forged"))
        let rev = try commit(
            try tree([
                ("100644", name("accounts/globex/account.yaml"), forged), ("40000", name("accounts"), accounts),
            ]))
        let problem = try XCTUnwrap(refusal(rev))
        XCTAssertEqual(problem.path, name("accounts/globex/account.yaml"))
        XCTAssertEqual(problem.rule, "tree.name")
        XCTAssertTrue(problem.description.contains("'/'"), problem.description)
    }

    func testNamesThatAreOneFileOnMacOSOrWindowsAreRefused() throws {
        let other = try blob(Self.account("other"))
        for (a, b) in [("caf\u{E9}.yaml", "cafe\u{301}.yaml"), ("Users.yaml", "users.yaml"), ("x.yaml", "x.yaml")] {
            let rev = try acme(with: [("100644", name(a), other), ("100644", name(b), other)])
            let problem = try XCTUnwrap(refusal(rev))
            XCTAssertEqual(problem.rule, "tree.collision", "\(a) and \(b)")
            XCTAssertEqual(problem.path, name("accounts/acme/" + b))
        }
    }

    func testNamesGitRefusesAreRefused() throws {
        let other = try blob(Self.account("other"))
        let hostile: [[UInt8]] = [
            [0xFF, 0x2E, 0x79, 0x61, 0x6D, 0x6C], name(".."), name("."), name(".git"), name(".GIT"), name(".Git. . "),
            name("git~1"), name("GIT~1"), name(".git::$INDEX_ALLOCATION"), name(".g\u{200C}it"), name("\u{FEFF}.git"),
            name("users\n::error::x.yaml"), name("a\u{1B}[31m.yaml"), name("a\\b.yaml"),
        ]
        for bad in hostile {
            let rev = try acme(with: [("100644", bad, other)])
            let problem = try XCTUnwrap(refusal(rev), "\(bad)")
            XCTAssertEqual(problem.rule, "tree.name", "\(bad)")
            XCTAssertEqual(problem.path, name("accounts/acme/") + bad)
            XCTAssertFalse(
                problem.description.contains(where: { $0.isNewline || $0 == "\u{1B}" }), problem.description)
        }
        // Two names that are not UTF-8 would both read as U+FFFD: the first is refused already.
        let two = try acme(with: [
            ("100644", [0xFE, 0x2E, 0x79, 0x61, 0x6D, 0x6C], other),
            ("100644", [0xFF, 0x2E, 0x79, 0x61, 0x6D, 0x6C], other),
        ])
        XCTAssertEqual(try refusal(two)?.rule, "tree.name")
        // Close to the rules but fine: hidden git files, other short names, accents alone.
        let fine = try acme(with: [
            ("100644", name(".gitignore"), other), ("100644", name(".github"), other), ("100644", name("git~2"), other),
            ("100644", name("caf\u{E9}.yaml"), other), ("100644", name("gitx"), other),
        ])
        XCTAssertNoThrow(try GitRepository(path: work.path).source(at: fine))
    }

    func testATreeDeeperThanTheLimitIsRefusedWithItsPath() throws {
        var inner = try tree([("100644", name("account.yaml"), try blob(Self.account("deep")))])
        for _ in 0..<99 { inner = try tree([("40000", name("d"), inner)]) }
        let rev = try commit(inner)
        let problem = try XCTUnwrap(refusal(rev))
        XCTAssertEqual(problem.rule, "tree.depth")
        XCTAssertEqual(problem.path, name(Array(repeating: "d", count: TreeRules.maxDepth + 1).joined(separator: "/")))
        // At the limit it reads.
        var fine = try tree([("100644", name("account.yaml"), try blob(Self.account("deep")))])
        for _ in 0..<(TreeRules.maxDepth - 1) { fine = try tree([("40000", name("d"), fine)]) }
        XCTAssertEqual(try GitRepository(path: work.path).source(at: try commit(fine)).manifestPaths().count, 1)
    }

    func testATreeOfTooManyEntriesIsRefusedEvenWhenItsFoldersAreShared() throws {
        // 1,001 folders that are all the same 1,000-entry tree: tiny in the object database, a million files in
        // a checkout.
        let empty = try blob("")
        let wide = try tree((0..<1000).map { ("100644", name(String(format: "f%04d", $0)), empty) })
        let root = try tree((0...1000).map { ("40000", name(String(format: "d%04d", $0)), wide) })
        let started = Date()
        let problem = try XCTUnwrap(refusal(try commit(root)))
        XCTAssertEqual(problem.rule, "tree.size")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "shared folders are checked once")
    }

    func testAHostileEntryInANewCommitIsFoundAfterItsParentWasChecked() throws {
        let repository = try GitRepository(path: work.path)
        _ = try repository.source(at: "HEAD")
        try write("accounts/acme/ok.yaml", Self.account("ok"))
        try git("add", "-A")
        try git("commit", "-q", "-m", "fine")
        _ = try repository.source(at: "HEAD")
        let other = try blob(Self.account("other"))
        let rev = try acme(with: [("100644", name("Account.yaml"), other)])
        XCTAssertThrowsError(try repository.source(at: rev, only: ["accounts/acme/account.yaml"])) { error in
            XCTAssertEqual((error as? TreeProblem)?.path, self.name("accounts/acme/Account.yaml"))
        }
    }
}
