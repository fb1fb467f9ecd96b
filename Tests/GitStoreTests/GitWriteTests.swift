import Concurrency
import Foundation
import GitStore
import XCTest

/// Commits made without a checkout, reading them back, and notes.
final class GitWriteTests: GitTestCase {
    func opened() throws -> GitRepository { try GitRepository(path: work.path) }

    /// Two writers, each with a handle of its own (as two processes), create one ref at once: one gets it and the
    /// other is told it moved (or was locked by the winner), in every round. libgit2's create without force looks for the ref before it takes
    /// its lock, and both used to succeed, the last replacing the first (two daemons both took a free lease).
    func testTwoWritersCreatingOneRefAtOnceHaveOneWinner() throws {
        try makeRepository()
        let writers = [try opened(), try opened()]
        let commits = [try writers[0].resolve("HEAD"), try writers[0].resolve("HEAD~1")]
        var twice: [Int] = []
        for round in 0..<600 {
            let name = "refs/heads/race-\(round)"
            let barrier = Barrier(2)
            let outcomes = LockedBox<[Int: String]>([:])
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                barrier.wait()
                // The second a little later each round: it looks while the first holds the lock.
                if i == 1 { usleep(UInt32(round % 60) * 5) }
                let outcome: String
                do {
                    try writers[i].setReference(name, to: commits[i], expected: nil)
                    outcome = "created"
                } catch let error as GitError where error.isMovedReference || error.isLocked {
                    // Locked: the other writer was writing it at that moment.
                    outcome = "lost"
                } catch {
                    outcome = "\(error)"
                }
                outcomes.update { $0[i] = outcome }
            }
            let created = outcomes.current.filter { $0.value == "created" }
            if created.count != 1 { twice.append(round) }
            if let winner = created.keys.first {
                XCTAssertEqual(try writers[0].reference(name), commits[winner], "round \(round): the winner's")
                XCTAssertEqual(outcomes.current[1 - winner], "lost", "round \(round)")
            }
        }
        XCTAssertEqual(twice, [], "rounds without exactly one winner")
    }

    func testCommitsAnOrphanBranchWithoutTouchingWorkTreeIndexOrHead() throws {
        try makeRepository()
        try write("README.md", "edited, not staged\n")
        try git("add", "README.md")
        try write("accounts/acme/account.yaml", "edited in the work tree only\n")
        let head = try git("rev-parse", "HEAD")
        let status = try git("status", "--porcelain")
        let repo = try opened()

        let id = try repo.commit(
            branch: "baton/status",
            updates: [
                "status/Domain/a.example.yaml": bytes("phase: Ready\n"),
                "status/Account/acme.yaml": bytes("phase: Pending\n"),
                "top.txt": bytes("top\n"),
                "status/Domain/gone.yaml": nil,
            ],
            message: "Status", expectedTip: .some(nil))

        XCTAssertEqual(try git("rev-parse", "refs/heads/baton/status"), id.description)
        let object = try git("cat-file", "-p", id.description)
        XCTAssertFalse(object.contains("\nparent "), "a root commit:\n\(object)")
        XCTAssertTrue(object.contains("\nauthor Baton <baton@localhost> "), object)
        XCTAssertTrue(object.contains("\ncommitter Baton <baton@localhost> "), object)
        XCTAssertTrue(object.hasSuffix("\n\nStatus"), object)
        XCTAssertEqual(
            try git("ls-tree", "-r", "--name-only", "baton/status").split(separator: "\n"),
            ["status/Account/acme.yaml", "status/Domain/a.example.yaml", "top.txt"])
        XCTAssertEqual(try git("show", "baton/status:status/Domain/a.example.yaml"), "phase: Ready")

        XCTAssertEqual(try git("rev-parse", "HEAD"), head, "HEAD did not move")
        XCTAssertEqual(try git("symbolic-ref", "HEAD"), "refs/heads/main")
        XCTAssertEqual(try git("status", "--porcelain"), status, "index and work tree as they were")
        XCTAssertEqual(try git("diff", "--cached", "--name-only"), "README.md", "the staged change is still staged")
        XCTAssertEqual(try git("fsck", "--no-dangling"), "")
    }

    func testReadsFilesOfACommitFromTheRepositoryRoot() throws {
        try makeRepository()
        let repo = try GitRepository(path: work.appendingPathComponent("accounts").path)
        XCTAssertEqual(repo.prefix, "accounts")
        let id = try repo.commit(
            branch: "baton/status",
            updates: [
                "status/Domain/a.example.yaml": bytes("a\n"), "status/Domain/deep/b.yaml": bytes("b\n"),
                "status/.hidden": bytes("h\n"), "other.txt": bytes("o\n"),
            ], message: "s")

        let files = try repo.files(under: "status", at: id)
        XCTAssertEqual(
            Set(files.keys), ["status/Domain/a.example.yaml", "status/Domain/deep/b.yaml", "status/.hidden"],
            "paths from the repository root, whatever folder was opened; hidden entries kept")
        XCTAssertEqual(try repo.files(under: "status/Domain/", at: id).count, 2)
        XCTAssertEqual(try repo.files(under: "", at: id).count, 4)
        XCTAssertEqual(try repo.files(under: "nothing/here", at: id), [:])
        XCTAssertEqual(try repo.files(under: "other.txt", at: id), [:], "a file is not a folder")
        let blob = try XCTUnwrap(files["status/Domain/deep/b.yaml"])
        XCTAssertEqual(try repo.blob(blob), bytes("b\n"))
        XCTAssertEqual(try repo.file(atRoot: "status/Domain/a.example.yaml", commit: id), bytes("a\n"))
        XCTAssertNil(try repo.file(atRoot: "status/Domain/none.yaml", commit: id))
        XCTAssertNil(try repo.file(atRoot: "status/Domain", commit: id), "a folder is not a file")
        XCTAssertEqual(
            try repo.file(atRoot: "README.md", commit: repo.resolve("main")), bytes("not a manifest\n"),
            "the prefix does not apply")

        XCTAssertTrue(repo.hasCommit(id))
        XCTAssertFalse(repo.hasCommit(blob), "a blob is not a commit")
        XCTAssertEqual(try repo.reference("refs/heads/baton/status"), id)
        XCTAssertEqual(try repo.reference("refs/heads/main")?.description, try git("rev-parse", "main"))
        XCTAssertNil(try repo.reference("refs/heads/no/such/branch"))
        XCTAssertNil(try repo.reference("refs/remotes/origin/baton/status"))
        try git("tag", "-a", "-m", "annotated", "release", "HEAD~1")
        XCTAssertEqual(
            try repo.reference("refs/tags/release")?.description, try git("rev-parse", "HEAD~1"),
            "an annotated tag peels to its commit")
    }

    func testCommitsOnTopOfAnExistingBranch() throws {
        try makeRepository()
        let repo = try opened()
        let first = try repo.commit(
            branch: "baton/status",
            updates: [
                "status/Domain/a.yaml": bytes("a1\n"), "status/Domain/b.yaml": bytes("b1\n"),
                "status/Server/only.yaml": bytes("s1\n"),
            ], message: "first")
        let second = try repo.commit(
            branch: "baton/status",
            updates: [
                "status/Domain/a.yaml": bytes("a2\n"),
                "status/Domain/b.yaml": nil,
                "status/Server/only.yaml": nil,
                "status/Domain/never-there.yaml": nil,
                "status/Nested/x/y/z/deep.yaml": bytes("deep\n"),
            ], message: "second", expectedTip: first)

        XCTAssertEqual(try git("rev-parse", "baton/status^"), first.description)
        XCTAssertEqual(
            try git("ls-tree", "-r", "--name-only", "baton/status").split(separator: "\n"),
            ["status/Domain/a.yaml", "status/Nested/x/y/z/deep.yaml"],
            "b removed, a folder left empty is gone, a missing file's removal is no error")
        XCTAssertEqual(try repo.file(atRoot: "status/Domain/a.yaml", commit: second), bytes("a2\n"))
        XCTAssertEqual(try repo.file(atRoot: "status/Domain/a.yaml", commit: first), bytes("a1\n"))
        XCTAssertEqual(try repo.reference("refs/heads/baton/status"), second)

        let same = try repo.commit(branch: "baton/status", updates: [:], message: "nothing changed")
        XCTAssertEqual(try git("rev-parse", "baton/status^{tree}"), try git("rev-parse", "\(second)^{tree}"))
        XCTAssertEqual(try git("rev-parse", "baton/status^"), second.description)
        XCTAssertNotEqual(same, second)
        XCTAssertThrowsError(try repo.commit(branch: "baton/status", updates: ["status": nil], message: "x")) {
            XCTAssertTrue("\($0)".contains("is a folder"), "\($0)")
        }
    }

    func testExtraParentsAreRecordedAfterTheTip() throws {
        try makeRepository()
        let repo = try opened()
        let main = try repo.resolve("main")
        let v1 = try repo.resolve("v1")
        let orphan = try repo.commit(
            branch: "baton/status", updates: ["s.yaml": bytes("1\n")], message: "applied", extraParents: [main])
        XCTAssertEqual(
            try git("cat-file", "-p", orphan.description).split(separator: "\n").filter { $0.hasPrefix("parent ") },
            ["parent \(main)"], "no tip yet: the extra parent alone")
        let merge = try repo.commit(
            branch: "baton/status", updates: ["s.yaml": bytes("2\n")], message: "applied", extraParents: [v1, main])
        XCTAssertEqual(
            try git("cat-file", "-p", merge.description).split(separator: "\n").filter { $0.hasPrefix("parent ") },
            ["parent \(orphan)", "parent \(v1)", "parent \(main)"])
        XCTAssertThrowsError(
            try repo.commit(
                branch: "baton/status", updates: [:], message: "x",
                extraParents: [try repo.files(under: "", at: main)["README.md"]!]),
            "a blob is no parent")
    }

    func testCompareAndSwapRefusesAMovedBranch() throws {
        try makeRepository()
        let repo = try opened()
        let first = try repo.commit(branch: "baton/status", updates: ["a": bytes("1\n")], message: "1")
        XCTAssertThrowsError(
            try repo.commit(branch: "baton/status", updates: ["a": bytes("x\n")], message: "x", expectedTip: .some(nil))
        ) { error in
            XCTAssertTrue((error as? GitError)?.isMovedReference ?? false, "\(error)")
        }
        let second = try repo.commit(
            branch: "baton/status", updates: ["a": bytes("2\n")], message: "2", expectedTip: first)
        // Another writer moved the branch since `first` was read.
        XCTAssertThrowsError(
            try repo.commit(branch: "baton/status", updates: ["a": bytes("3\n")], message: "3", expectedTip: first)
        ) { error in
            let error = error as? GitError
            XCTAssertTrue(error?.isMovedReference ?? false, "\(String(describing: error))")
            XCTAssertTrue(error?.message.contains(second.description) ?? false, "names the tip found")
        }
        XCTAssertEqual(try repo.reference("refs/heads/baton/status"), second, "the branch did not move")
        try git("update-ref", "refs/heads/baton/status", first.description)
        XCTAssertEqual(
            try repo.commit(branch: "baton/status", updates: ["a": bytes("4\n")], message: "4", expectedTip: first)
                .description, try git("rev-parse", "baton/status"))
        XCTAssertFalse(
            GitError(code: -1, call: "", message: "").isMovedReference, "only a lost compare-and-swap is a conflict")
    }

    func testConcurrentWritersLoseNoUpdate() throws {
        try makeRepository()
        let repo = try opened()
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            for i in 0..<15 {
                do {
                    _ = try repo.commit(
                        branch: "baton/status", updates: ["w\(writer)/\(i).yaml": Array("\(i)\n".utf8)],
                        message: "writer \(writer) #\(i)")
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        XCTAssertEqual(failures.all, [])
        XCTAssertEqual(try git("rev-list", "--count", "baton/status"), "30")
        XCTAssertEqual(try repo.files(under: "", at: try repo.resolve("baton/status")).count, 30, "every file kept")
    }

    func testRefusesPathsOutsideTheTreeAndBadBranchNames() throws {
        try makeRepository()
        let repo = try opened()
        for path in ["", "/abs.yaml", "a//b.yaml", "../up.yaml", "a/./b.yaml", ".git/config", "a/", "x/.GIT/y"] {
            XCTAssertThrowsError(
                try repo.commit(branch: "baton/status", updates: [path: bytes("x")], message: "x"), "'\(path)'")
        }
        XCTAssertThrowsError(try repo.commit(branch: "bad..name", updates: [:], message: "x"))
        XCTAssertThrowsError(try repo.commit(branch: "", updates: [:], message: "x"))
        XCTAssertNil(try repo.reference("refs/heads/baton/status"), "nothing was committed")
    }

    func testALargeCommitIsWrittenAsOnePackOfWhatItAdds() throws {
        try makeRepository()
        let repo = try opened()
        var updates: [String: [UInt8]?] = [:]
        for i in 0..<600 { updates["status/Domain\(i % 7)/d\(i).example.yaml"] = bytes("serial: \(i)\n") }
        let before = try packedObjects()
        let first = try repo.commit(branch: "baton/status", updates: updates, message: "all")
        XCTAssertEqual(try git("rev-parse", "baton/status"), first.description)
        XCTAssertEqual(try repo.files(under: "status", at: first).count, 600)
        XCTAssertEqual(try repo.file(atRoot: "status/Domain3/d10.example.yaml", commit: first), bytes("serial: 10\n"))
        XCTAssertTrue(repo.hasCommit(first))
        // 600 blobs, 7 folders and the status folder, the root tree, the commit.
        XCTAssertEqual(try packedObjects() - before, 610)

        var half: [String: [UInt8]?] = [:]
        for i in 0..<300 { half["status/Domain\(i % 7)/d\(i).example.yaml"] = bytes("serial: \(i + 1000)\n") }
        let second = try repo.commit(branch: "baton/status", updates: half, message: "half")
        XCTAssertEqual(try packedObjects() - before, 610 + 310, "only what the second commit adds is packed")
        XCTAssertEqual(
            try repo.file(atRoot: "status/Domain3/d10.example.yaml", commit: second), bytes("serial: 1010\n"))
        XCTAssertEqual(
            try repo.file(atRoot: "status/Domain3/d500.example.yaml", commit: second), bytes("serial: 500\n"))
        XCTAssertEqual(try git("fsck", "--no-dangling"), "")
    }

    func testEmptyFilesInLooseAndPackedCommits() throws {
        try makeRepository()
        let repo = try opened()
        let loose = try repo.commit(branch: "small", updates: ["empty": [], "e/mpty": []], message: "e")
        XCTAssertEqual(try repo.file(atRoot: "e/mpty", commit: loose), [])
        var updates: [String: [UInt8]?] = ["empty": []]
        for i in 0..<300 { updates["f\(i)"] = i % 2 == 0 ? [] : bytes("\(i)\n") }
        let packed = try repo.commit(branch: "large", updates: updates, message: "e")
        XCTAssertEqual(try repo.file(atRoot: "empty", commit: packed), [])
        XCTAssertEqual(try repo.file(atRoot: "f1", commit: packed), bytes("1\n"))
        XCTAssertEqual(try git("rev-parse", "small:empty"), try git("rev-parse", "large:f0"), "git's empty blob")
        XCTAssertEqual(try git("fsck", "--no-dangling"), "")
    }

    func packedObjects() throws -> Int {
        let line = try git("count-objects", "-v").split(separator: "\n").first { $0.hasPrefix("in-pack: ") }
        return Int(line?.dropFirst("in-pack: ".count) ?? "") ?? -1
    }

    func testShallowClones() throws {
        try makeRepository()
        XCTAssertFalse(try opened().isShallow)
        let shallow = root.appendingPathComponent("shallow")
        try git("clone", "-q", "--depth", "1", "file://" + work.path, shallow.path, in: root)
        let repo = try GitRepository(path: shallow.path)
        XCTAssertTrue(repo.isShallow)
        XCTAssertTrue(repo.hasCommit(try repo.resolve("HEAD")))
        let parent = try opened().resolve("HEAD~1")
        XCTAssertFalse(repo.hasCommit(parent), "cut off by the shallow clone")
    }

    func testNotesRoundTripWithTheGitCLI() throws {
        try makeRepository()
        let repo = try opened()
        let head = try repo.resolve("HEAD")
        let previous = try repo.resolve("HEAD~1")
        XCTAssertNil(try repo.note(on: head))

        try repo.setNote("applied: ok\nserial: 7\n", on: head)
        XCTAssertEqual(try repo.note(on: head), "applied: ok\nserial: 7\n")
        XCTAssertEqual(try git("notes", "--ref=baton", "show", head.description), "applied: ok\nserial: 7")
        XCTAssertTrue(try git("log", "-1", "--format=%an <%ae>", "refs/notes/baton") == "Baton <baton@localhost>")

        try repo.setNote("replaced\n", on: head, author: GitSignature(name: "Ops", email: "ops@example.com"))
        XCTAssertEqual(try repo.note(on: head), "replaced\n")
        XCTAssertEqual(try git("notes", "--ref=baton", "show", head.description), "replaced")
        XCTAssertEqual(try git("log", "-1", "--format=%an", "refs/notes/baton"), "Ops")

        try git("notes", "--ref=baton", "add", "-m", "from the CLI", previous.description)
        XCTAssertEqual(try repo.note(on: previous), "from the CLI\n")
        XCTAssertEqual(try repo.note(on: head), "replaced\n", "one note per commit")
        try git("notes", "--ref=other", "add", "-m", "elsewhere", head.description)
        XCTAssertEqual(try repo.note(on: head, ref: "refs/notes/other"), "elsewhere\n")
        XCTAssertEqual(try repo.note(on: head), "replaced\n")
        // Notes refs other than Baton's are other tools' (refs/notes/commits is git's default): never written.
        let refs = try git("for-each-ref")
        for ref in ["refs/notes/other", "refs/notes/commits", "refs/notes/baton/x"] {
            XCTAssertThrowsError(try repo.setNote("x\n", on: head, ref: ref), ref)
        }
        XCTAssertEqual(try git("for-each-ref"), refs)
    }

    /// One rule for every ref Baton writes: its own names, not the branch checked out, no name another ref
    /// makes ambiguous.
    func testBatonWritesOnlyRefsItOwns() throws {
        try makeRepository()
        let repo = try GitRepository(path: work.path)
        XCTAssertNil(repo.ownedRefProblem("refs/heads/baton/status"))
        XCTAssertNil(repo.ownedRefProblem("refs/notes/baton"))
        for name in [
            "refs/heads/main", "refs/heads/origin/main", "refs/remotes/origin/baton/status", "refs/tags/baton/x",
            "refs/heads/baton/../main", "refs/heads/baton/", "refs/heads/baton/a..b", "refs/heads/baton/x.lock",
            "refs/notes/commits", "HEAD",
        ] {
            XCTAssertNotNil(repo.ownedRefProblem(name), name)
        }
        // The branch checked out, the revision applied by name, a remote called baton, a tag of the same name.
        try git("checkout", "-q", "-b", "baton/work")
        XCTAssertNotNil(repo.ownedRefProblem("refs/heads/baton/work"))
        try git("checkout", "-q", "main")
        XCTAssertNil(repo.ownedRefProblem("refs/heads/baton/work"))
        XCTAssertNotNil(repo.ownedRefProblem("refs/heads/baton/work", applying: "baton/work"))
        try git("tag", "baton/tagged")
        XCTAssertNotNil(repo.ownedRefProblem("refs/heads/baton/tagged"))
        try git("remote", "add", "baton", work.path)
        XCTAssertNotNil(repo.ownedRefProblem("refs/heads/baton/status"))
        let refs = try git("for-each-ref")
        XCTAssertThrowsError(try repo.checkOwnedRef("refs/heads/baton/status"))
        XCTAssertEqual(try git("for-each-ref"), refs)
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return messages
    }
}

/// Lets `count` threads on together once all of them are there.
final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: Int

    init(_ count: Int) { waiting = count }

    func wait() {
        condition.lock()
        defer { condition.unlock() }
        waiting -= 1
        if waiting == 0 { condition.broadcast() }
        while waiting > 0 { condition.wait() }
    }
}
