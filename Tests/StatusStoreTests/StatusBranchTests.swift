import Concurrency
import Foundation
import GitStore
import Manifests
import Planning
import TestSupport
import XCTest

@testable import StatusStore

/// Status branches built by hand with the git CLI, read back through libgit2.
final class StatusBranchTests: XCTestCase {
    var root: URL!
    var work: URL { root.appendingPathComponent("work") }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try git("init", "-q")
        try write(
            "accounts/acme/account.yaml",
            "apiVersion: baton/v1\nkind: Account\nmetadata: {name: acme}\nspec: {contact: a@example.com}\n")
        try git("add", "-A")
        try git("commit", "-q", "-m", "manifests")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
    }

    @discardableResult
    func git(_ args: String...) throws -> String {
        let result = try GitCLI.run(args, in: work)
        XCTAssertEqual(result.status, 0, "git \(args.joined(separator: " "))")
        return result.stdout
    }

    func write(_ path: String, _ text: String) throws {
        let url = work.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Makes `baton/status` by hand (an orphan branch holding just `files`), then returns to main.
    func makeStatusBranch(_ files: [String: String]) throws {
        try git("checkout", "-q", "--orphan", "baton/status")
        try git("rm", "-rq", "--cached", ".")
        for (path, text) in files { try write(path, text) }
        try git("add", "-A")
        try git("commit", "-q", "-m", "status by hand")
        try git("checkout", "-q", "-f", "main")
        try git("clean", "-fdq")
    }

    static let applied = """
        formatVersion: 1
        revision: "aaaa"
        time: "2026-12-01T10:00:00Z"
        run: "run-1"
        servers:
          "web1": {revision: "aaaa", time: "2026-12-01T10:00:00Z", run: "run-1", state: "SUCCESS", changes: 2, failed: 0}
        """

    static let inventory = """
        formatVersion: 1
        servers:
          "web1":
            - {kind: Account, name: "acme", account: "acme", hash: "sha256:1", revision: "aaaa"}
            - {kind: WebApp, name: "shop", account: "acme", hash: "sha256:2", revision: "aaaa", state: "Failed"}
          "ns1":
            []
        """

    func testNoBranchMeansNothingApplied() throws {
        let state = try StatusBranch(repository: try GitRepository(path: work.path)).read()
        XCTAssertEqual(state, .empty)
        XCTAssertNil(state.revision)
    }

    func testReadsABranchBuiltByHand() throws {
        try makeStatusBranch([
            "applied.yaml": Self.applied, "inventory.yaml": Self.inventory,
            "status/Domain/old.example.yaml": """
            kind: Domain
            name: "old.example"
            account: "acme"
            state: Failed
            appliedRevision: null
            specHash: "sha256:3"
            servers: []
            lastTransitionTime: "2026-12-01T10:00:00Z"
            message: "named-checkzone: bad"
            """,
            "status/Account/acme.yaml": "not read: the inventory lists acme\n",
        ])
        let state = try StatusBranch(repository: try GitRepository(path: work.path)).read()
        XCTAssertEqual(state.revision, "aaaa")
        XCTAssertEqual(state.time, "2026-12-01T10:00:00Z")
        XCTAssertEqual(state.servers["web1"]?.map(\.id.description), ["Account/acme", "WebApp/shop"])
        XCTAssertEqual(state.servers["ns1"], [])
        XCTAssertEqual(state.known[ResourceID(.webApp, "shop")], "Failed")
        XCTAssertEqual(state.lastState(of: ResourceID(.webApp, "shop")), "Failed")
        // Listed as applied: said by the inventory, not repeated in `known`.
        XCTAssertNil(state.known[ResourceID(.account, "acme")])
        XCTAssertEqual(state.lastState(of: ResourceID(.account, "acme")), "Applied")
        XCTAssertEqual(state.known[ResourceID(.domain, "old.example")], "Failed")
        XCTAssertNil(state.lastState(of: ResourceID(.domain, "never.example")))
        XCTAssertTrue(state.digest.hasPrefix("sha256:"))
        XCTAssertNotEqual(state.digest, AppliedState.emptyDigest)
        // The work tree and index were not touched, and main is still checked out.
        XCTAssertEqual(try git("status", "--porcelain"), "")
        XCTAssertEqual(try git("rev-parse", "--abbrev-ref", "HEAD"), "main")
    }

    /// A commit that changes none of the files a snapshot is read from (a daemon's lease, every few seconds) gives
    /// the same snapshot at the new tip without parsing the inventory again; a change to any of them is read.
    func testALeaseCommitIsNotParsedAgainAndAChangedFileIs() throws {
        try makeStatusBranch([AppliedFile.path: Self.applied, InventoryFile.path: Self.inventory])
        let branch = StatusBranch(repository: try GitRepository(path: work.path))
        let first = try branch.snapshot()
        let parsed = SnapshotCache.parsed.current
        func commitOnStatus(_ path: String, _ text: String) throws -> String {
            try git("checkout", "-q", "baton/status")
            try write(path, text)
            try git("add", "-A")
            try git("commit", "-q", "-m", "by hand: \(path)")
            let tip = try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
            try git("checkout", "-q", "main")
            return tip
        }
        let leaseTip = try commitOnStatus("leases/all.yaml", "holder: x\n")
        let again = try branch.snapshot()
        XCTAssertEqual(again.tip?.description, leaseTip)
        XCTAssertEqual(again.inventory, first.inventory)
        XCTAssertEqual(again.state, first.state)
        XCTAssertEqual(SnapshotCache.parsed.current, parsed, "a lease commit is not parsed again")

        let changed = Self.inventory.replacingOccurrences(of: "sha256:1", with: "sha256:9")
        let inventoryTip = try commitOnStatus(InventoryFile.path, changed)
        let read = try branch.snapshot()
        XCTAssertEqual(read.tip?.description, inventoryTip)
        XCTAssertEqual(read.inventory["web1"]?.first?.entry.hash, "sha256:9")
        XCTAssertEqual(SnapshotCache.parsed.current, parsed + 1)

        // A status file of a resource no inventory lists changes what the plan knows of it.
        let status = ResourceStatusFile(
            id: ResourceID(.domain, "new.example"), account: "acme", state: "Failed", appliedRevision: nil,
            specHash: "sha256:3", servers: [], lastTransitionTime: "2026-12-01T10:00:00Z", message: "refused"
        ).render()
        _ = try commitOnStatus("status/Domain/new.example.yaml", status)
        let known = try branch.snapshot()
        XCTAssertEqual(SnapshotCache.parsed.current, parsed + 2)
        XCTAssertNotEqual(known.contentKey, read.contentKey)
        XCTAssertEqual(known.state.known[ResourceID(.domain, "new.example")], "Failed")
    }

    func testTheRemoteTrackingBranchIsReadWhenThereIsNoLocalOne() throws {
        try makeStatusBranch(["applied.yaml": Self.applied, "inventory.yaml": Self.inventory])
        try git("update-ref", "refs/remotes/origin/baton/status", "baton/status")
        try git("branch", "-q", "-D", "baton/status")
        let state = try StatusBranch(repository: try GitRepository(path: work.path)).read()
        XCTAssertEqual(state.revision, "aaaa")
    }

    func testCorruptFilesAreClearErrors() throws {
        let cases: [(String, String, String, String)] = [
            (
                "inventory.yaml", "formatVersion: 1\nservers:\n  \"web1\":\n    - {kind: Account\n",
                "inventory.yaml:4:",
                "missing key 'name'"
            ),
            (
                "inventory.yaml",
                "formatVersion: 1\nservers:\n  \"web1\":\n    - {kind: Acount, name: \"a\", account: \"a\", hash: \"h\", revision: \"r\"}\n",
                "inventory.yaml:4:", "unknown kind 'Acount'"
            ),
            (
                "inventory.yaml",
                "formatVersion: 1\nservers:\n  \"web1\":\n    - {kind: Account, name: \"a\", hash: \"h\", revision: \"r\"}\n",
                "inventory.yaml:4:", "missing key 'account'"
            ),
            ("inventory.yaml", "formatVersion: 7\nservers: {}\n", "inventory.yaml:1:", "newer than this Baton reads"),
            (
                // The same resource twice on one server, in a second section of the server: not Baton's.
                "inventory.yaml",
                "formatVersion: 1\nservers:\n  \"web1\":\n    - {kind: Account, name: \"a\", account: \"a\", hash: \"h\", revision: \"r\"}\n"
                    + "  \"ns1\":\n    []\n  \"web1\":\n    - {kind: Account, name: \"a\", account: \"a\", hash: \"g\", revision: \"r\"}\n",
                "inventory.yaml:8:", "a second entry for Account/a on server 'web1'"
            ),
            ("applied.yaml", "- a list\n", "applied.yaml:1:", "expected a mapping"),
        ]
        for (index, (file, text, position, message)) in cases.enumerated() {
            var files = ["applied.yaml": Self.applied, "inventory.yaml": Self.inventory]
            files[file] = text
            if index > 0 { try git("branch", "-q", "-D", "baton/status") }
            try makeStatusBranch(files)
            XCTAssertThrowsError(
                try StatusBranch(repository: try GitRepository(path: work.path)).read(), "case \(index)"
            ) {
                let text = "\($0)"
                XCTAssertTrue(text.hasPrefix("baton/status:\(position)"), "case \(index): \(text)")
                XCTAssertTrue(text.contains(message), "case \(index): \(text)")
                XCTAssertTrue(text.contains("[status.format]"), text)
                XCTAssertTrue(
                    text.contains(file == "inventory.yaml" && index == 3 ? "upgrade Baton" : "delete the branch"), text)
            }
        }
    }

    /// A status branch named outside Baton's own refs is never committed to, whoever names it.
    func testCommitsOnlyToABranchOfBatonsOwn() throws {
        let repository = try GitRepository(path: work.path)
        let refs = try git("for-each-ref")
        for name in ["main", "origin/main", "status"] {
            let branch = StatusBranch(repository: repository, name: name)
            XCTAssertThrowsError(
                try branch.commit(["applied.yaml": Array("x".utf8)], on: .empty, applied: nil, message: "forged"), name)
            XCTAssertThrowsError(
                try branch.acquireLease(holder: "d1", servers: [], now: Date(), duration: 60), "a lease on \(name)")
            XCTAssertThrowsError(try branch.releaseLease(holder: "d1", servers: []), "a lease on \(name)")
        }
        XCTAssertEqual(try git("for-each-ref"), refs)
        _ = try StatusBranch(repository: repository, name: "baton/other").commit(
            ["applied.yaml": Array("x".utf8)], on: .empty, applied: nil, message: "own")
        XCTAssertNotEqual(try git("for-each-ref"), refs)
    }

    func testAStatusFileWithAnUnknownStateIsAnError() throws {
        try makeStatusBranch([
            "applied.yaml": Self.applied, "inventory.yaml": Self.inventory,
            "status/Domain/x.example.yaml":
                "kind: Domain\nname: x.example\naccount: acme\nstate: Exploded\nspecHash: h\nservers: []\nlastTransitionTime: t\n",
        ])
        XCTAssertThrowsError(try StatusBranch(repository: try GitRepository(path: work.path)).read()) {
            XCTAssertTrue("\($0)".contains("status/Domain/x.example.yaml:4:"), "\($0)")
            XCTAssertTrue("\($0)".contains("unknown state 'Exploded'"), "\($0)")
        }
    }

    /// A fresh ref lock is another writer mid-update: `record` waits for it to go; an old one (a writer that
    /// died) or one that outlasts the patience fails at once, with nothing written.
    func testRecordWaitsForAFreshRefLockOnly() throws {
        let repository = try GitRepository(path: work.path)
        let branch = StatusBranch(repository: repository)
        let revision = try repository.resolve("HEAD")
        _ = try branch.record(applied: revision, message: "first") { _ in ["a.yaml": Array("1".utf8)] }
        let lock = branch.lockFile.path
        XCTAssertNil(branch.lockFile.age)

        XCTAssertTrue(FileManager.default.createFile(atPath: lock, contents: nil))
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
            try? FileManager.default.removeItem(atPath: lock)
            released.signal()
        }
        var said: [String] = []
        let recorded = try branch.record(applied: revision, message: "second", waiting: { said.append($0) }) { _ in
            ["a.yaml": Array("2".utf8)]
        }
        released.wait()
        XCTAssertEqual(recorded.attempts, 1)
        XCTAssertEqual(said.count, 1)
        XCTAssertTrue(said.first?.contains(lock) == true, "\(said)")
        XCTAssertEqual(try git("show", "baton/status:a.yaml"), "2")

        XCTAssertTrue(FileManager.default.createFile(atPath: lock, contents: nil))
        let start = Date()
        XCTAssertThrowsError(
            try branch.record(applied: revision, message: "held", lockPatience: 0.3) { _ in ["a.yaml": Array("3".utf8)]
            }
        ) { XCTAssertTrue(($0 as? GitError)?.isLocked == true, "\($0)") }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)

        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: lock)
        var waited = false
        XCTAssertThrowsError(
            try branch.record(applied: revision, message: "stale", waiting: { _ in waited = true }) { _ in
                ["a.yaml": Array("4".utf8)]
            })
        XCTAssertFalse(waited, "a lock two hours old is not waited for")
        XCTAssertEqual(try git("show", "baton/status:a.yaml"), "2")
    }

    /// Two writers of one process recording at once (a run and the monitor's states, a lease renewal): each
    /// record that loses the compare-and-swap builds again on the other's commit; none fails, none is lost.
    func testConcurrentRecordsRetryOnTheOthersCommit() throws {
        let repository = try GitRepository(path: work.path)
        let branch = StatusBranch(repository: repository)
        let revision = try repository.resolve("HEAD")
        let failures = LockedBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            for i in 0..<25 {
                do {
                    _ = try branch.record(applied: revision, message: "w\(writer) \(i)") { _ in
                        ["w\(writer)/\(i).yaml": Array("\(i)".utf8)]
                    }
                } catch { failures.update { $0.append("\(error)") } }
            }
        }
        XCTAssertEqual(failures.current, [])
        let files = try git("ls-tree", "-r", "--name-only", "baton/status").split(separator: "\n")
        XCTAssertEqual(files.filter { $0.hasPrefix("w0/") }.count, 25)
        XCTAssertEqual(files.filter { $0.hasPrefix("w1/") }.count, 25)
    }
}
