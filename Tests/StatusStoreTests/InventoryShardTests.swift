import Foundation
import GitStore
import Manifests
import Planning
import TestSupport
import XCTest

@testable import StatusStore

/// The inventory in shards by account: where entries lie, what a run rewrites, what the next read parses again,
/// the move from the single file of older branches, and shards that are not as Baton writes them.
final class InventoryShardTests: XCTestCase {
    var root: URL!
    var work: URL { root.appendingPathComponent("work") }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-shards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        try "x\n".write(to: work.appendingPathComponent("README"), atomically: true, encoding: .utf8)
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
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Records, as a run would, that `changes` were applied (or ended as `outcomes` says).
    @discardableResult
    func record(_ changes: [Change], run: String, outcomes: [Planner.Key: StatusRecord.Outcome] = [:]) throws
        -> ObjectID
    {
        let repository = try GitRepository(path: work.path)
        let revision = try repository.resolve("HEAD")
        let plan = Plan(revision: revision.description, appliedRevision: nil, appliedDigest: "", changes: changes)
        var all = outcomes
        for change in changes where all[Planner.Key(server: change.server, id: change.id)] == nil {
            all[Planner.Key(server: change.server, id: change.id)] = .applied
        }
        return try StatusBranch(repository: repository).record(applied: revision, message: run) { snapshot in
            StatusRecord(revision: revision.description, time: "2026-12-07T00:00:00Z", run: run).files(
                plan: plan, outcomes: all, inventory: snapshot.inventory, rewriteAll: snapshot.singleInventory,
                applied: snapshot.applied)
        }.commit
    }

    func create(_ kind: Kind, _ name: String, account: String, server: String = "web1", hash: String = "h1")
        -> Change
    {
        Change(action: .create, id: ResourceID(kind, name), server: server, account: account, hash: "sha256:\(hash)")
    }

    func changedPaths(_ commit: ObjectID) throws -> [String] {
        try git("diff-tree", "--no-commit-id", "-r", "--name-only", commit.description, commit.description + "^")
            .split(separator: "\n").map(String.init).sorted()
    }

    /// The shard of an account is the low byte of FNV-1a of its name: pinned here to values computed apart from
    /// the code (Python), since moving it would leave every branch's entries where no Baton looks for them.
    func testTheShardOfAnAccountIsTheLowByteOfItsFNV1aHash() {
        XCTAssertEqual(InventoryFile.shardPath(of: "a"), "inventory/2c.yaml")
        XCTAssertEqual(InventoryFile.shardPath(of: "acme"), "inventory/af.yaml")
        XCTAssertEqual(InventoryFile.shardPath(of: "a1"), "inventory/a7.yaml")
        XCTAssertEqual(InventoryFile.shardPath(of: ""), "inventory/c5.yaml")
        XCTAssertEqual(InventoryFile.shardPath(number: 0), "inventory/00.yaml")
        XCTAssertEqual(InventoryFile.shardPath(number: 255), "inventory/ff.yaml")
        XCTAssertTrue(InventoryFile.isShard("inventory/0f.yaml"))
        for path in [
            "inventory/0F.yaml", "inventory/0.yaml", "inventory/x/0f.yaml", "inventory.yaml", "inventory/0fa.yaml",
        ] {
            XCTAssertFalse(InventoryFile.isShard(path), path)
        }
    }

    /// A run writes its accounts' shards only; the next snapshot parses only those again, and reads every entry.
    func testARunRewritesAndTheNextReadParsesOnlyTheShardsOfItsAccounts() throws {
        let accounts = (1...40).map { "acct\($0)" }
        try record(
            accounts.flatMap {
                [create(.account, $0, account: $0), create(.domain, "\($0).example", account: $0, server: "ns1")]
            },
            run: "first")
        let branch = StatusBranch(repository: try GitRepository(path: work.path))
        let first = try branch.snapshot()
        XCTAssertEqual(first.state.index.count, 80)
        XCTAssertFalse(first.singleInventory)
        let shards = Set(accounts.map { InventoryFile.shardPath(of: $0) })
        XCTAssertEqual(
            Set(
                try git("ls-tree", "--name-only", "baton/status:inventory").split(separator: "\n").map {
                    "inventory/\($0)"
                }),
            shards)

        let parsed = SnapshotCache.shardsParsed.current
        let commit = try record(
            [
                Change(
                    action: .update, id: ResourceID(.account, "acct7"), server: "web1", account: "acct7",
                    hash: "sha256:h2")
            ],
            run: "second")
        XCTAssertEqual(
            try changedPaths(commit).filter { $0.hasPrefix("inventory") }, [InventoryFile.shardPath(of: "acct7")],
            "one account changed: one shard written")
        let second = try branch.snapshot()
        XCTAssertEqual(SnapshotCache.shardsParsed.current - parsed, 1, "only the changed shard is parsed again")
        XCTAssertEqual(second.state.index.count, 80)
        XCTAssertEqual(
            second.state.index[Planner.Key(server: "web1", id: ResourceID(.account, "acct7"))]?.hash, "sha256:h2")
        XCTAssertEqual(
            second.state.index[Planner.Key(server: "web1", id: ResourceID(.account, "acct8"))]?.hash, "sha256:h1")
        XCTAssertNotEqual(second.state.digest, first.state.digest)
    }

    /// A read that takes the shards that stayed from the snapshot before gives the snapshot a read of every
    /// shard gives: the same entries in the same order, states included, after runs that touch a few accounts,
    /// fail an update and delete a resource.
    func testAReadThatReusesTheShardsThatStayedEqualsAReadOfEveryShard() throws {
        let accounts = (1...120).map { "acct\($0)" }
        try record(
            accounts.flatMap {
                [
                    create(.account, $0, account: $0), create(.domain, "\($0).example", account: $0, server: "ns1"),
                    create(.domain, "\($0).example", account: $0, server: "ns2"),
                ]
            },
            run: "first")
        let branch = StatusBranch(repository: try GitRepository(path: work.path))
        _ = try branch.snapshot()
        let failed = Change(
            action: .update, id: ResourceID(.account, "acct9"), server: "web1", account: "acct9", hash: "sha256:h3")
        let steps: [(changes: [Change], outcomes: [Planner.Key: StatusRecord.Outcome])] = [
            (
                [
                    Change(
                        action: .update, id: ResourceID(.account, "acct7"), server: "web1", account: "acct7",
                        hash: "sha256:h2"),
                    create(.webApp, "shop", account: "acct50"),
                ], [:]
            ),
            ([failed], [Planner.Key(server: "web1", id: failed.id): .failed]),
            (
                [
                    Change(
                        action: .delete, id: ResourceID(.domain, "acct3.example"), server: "ns2", account: "acct3",
                        hash: "")
                ], [:]
            ),
        ]
        for (n, step) in steps.enumerated() {
            try record(step.changes, run: "step \(n)", outcomes: step.outcomes)
            let reused = try branch.snapshot()
            SnapshotCache.removeAll()
            let fresh = try branch.snapshot()
            XCTAssertEqual(reused.state, fresh.state, "step \(n)")
            XCTAssertEqual(reused.shardIDs, fresh.shardIDs, "step \(n)")
            XCTAssertEqual(reused.inventory, fresh.inventory, "step \(n)")
        }
        let last = try branch.snapshot()
        XCTAssertEqual(last.state.index[Planner.Key(server: "web1", id: failed.id)]?.state, "Failed")
        XCTAssertEqual(last.inventory["web1"]?.first { $0.entry.id == failed.id }?.state, "Failed")
        XCTAssertNil(last.state.index[Planner.Key(server: "ns2", id: ResourceID(.domain, "acct3.example"))])
        XCTAssertEqual(last.state.index.count, 360)
    }

    /// Deleting the last resources of a shard removes its file; a resource that moved to another account moves
    /// to that account's shard and leaves the old one.
    func testAShardLeftEmptyIsRemovedAndAMovedResourceChangesShard() throws {
        try record([create(.webApp, "shop", account: "a"), create(.account, "b", account: "b")], run: "first")
        XCTAssertNotEqual(InventoryFile.shardPath(of: "a"), InventoryFile.shardPath(of: "b"))
        try record(
            [Change(action: .update, id: ResourceID(.webApp, "shop"), server: "web1", account: "b", hash: "sha256:h3")],
            run: "moved")
        let branch = StatusBranch(repository: try GitRepository(path: work.path))
        let files = try git("ls-tree", "--name-only", "baton/status:inventory").split(separator: "\n").map {
            "inventory/\($0)"
        }
        XCTAssertEqual(files, [InventoryFile.shardPath(of: "b")], "a's shard held only shop: removed")
        let snapshot = try branch.snapshot()
        XCTAssertEqual(snapshot.state.index[Planner.Key(server: "web1", id: ResourceID(.webApp, "shop"))]?.account, "b")
        XCTAssertEqual(snapshot.state.index.count, 2)

        try record(
            [Change(action: .delete, id: ResourceID(.webApp, "shop"), server: "web1", account: "b")], run: "gone")
        try record(
            [Change(action: .delete, id: ResourceID(.account, "b"), server: "web1", account: "b")], run: "all gone")
        XCTAssertEqual(try GitCLI.run(["ls-tree", "--name-only", "baton/status:inventory"], in: work).status, 128)
        XCTAssertEqual(try branch.snapshot().state.index.count, 0)
    }

    /// A branch written before the shards holds one inventory.yaml: read as it is, and its next record writes its
    /// entries in shards and removes it, losing none.
    func testTheSingleInventoryOfAnOlderBranchIsReadAndMovedIntoShards() throws {
        let head = try git("rev-parse", "HEAD")
        try git("checkout", "-q", "--orphan", "baton/status")
        try git("rm", "-rq", "--cached", ".")
        try """
        formatVersion: 1
        revision: "\(head)"
        time: "2026-12-01T10:00:00Z"
        run: "run-1"
        servers: {}

        """.write(to: work.appendingPathComponent("applied.yaml"), atomically: true, encoding: .utf8)
        var lines = ["formatVersion: 1", "servers:", "  \"web1\":"]
        for n in 1...30 {
            lines.append(
                "    - {kind: Account, name: \"old\(n)\", account: \"old\(n)\", hash: \"sha256:o\", revision: \"\(head)\"}"
            )
        }
        lines += [
            "  \"ns1\":",
            "    - {kind: Domain, name: \"old1.example\", account: \"old1\", hash: \"sha256:d\", revision: \"\(head)\", state: \"Failed\"}",
        ]
        try (lines.joined(separator: "\n") + "\n").write(
            to: work.appendingPathComponent("inventory.yaml"), atomically: true, encoding: .utf8)
        try git("add", "applied.yaml", "inventory.yaml")
        try git("commit", "-q", "-m", "status written by an older Baton")
        try git("checkout", "-q", "-f", "main")

        let branch = StatusBranch(repository: try GitRepository(path: work.path))
        let before = try branch.snapshot()
        XCTAssertTrue(before.singleInventory)
        XCTAssertEqual(before.state.index.count, 31)

        let commit = try record([create(.account, "new", account: "new")], run: "after upgrade")
        let paths = try changedPaths(commit)
        XCTAssertTrue(paths.contains("inventory.yaml"), "removed")
        XCTAssertEqual(try GitCLI.run(["cat-file", "-e", "baton/status:inventory.yaml"], in: work).status, 128)
        let after = try branch.snapshot()
        XCTAssertFalse(after.singleInventory)
        XCTAssertEqual(after.state.index.count, 32)
        for (key, entry) in before.state.index { XCTAssertEqual(after.state.index[key], entry, "\(key)") }
        XCTAssertEqual(after.inventory["ns1"]?.first?.state, "Failed", "a failed entry keeps its state")
        XCTAssertTrue(
            try git("show", "baton/status:applied.yaml").contains("formatVersion: \(AppliedFile.formatVersion)"))
    }

    func commitShards(_ files: [String: String]) throws {
        let head = try git("rev-parse", "HEAD")
        try git("checkout", "-q", "--orphan", "baton/status")
        try git("rm", "-rq", "--cached", ".")
        var all = files
        all["applied.yaml"] =
            "formatVersion: 2\nrevision: \"\(head)\"\ntime: \"2026-12-01T10:00:00Z\"\nrun: \"r\"\nservers: {}\n"
        for (path, text) in all {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            try git("add", path)
        }
        try git("commit", "-q", "-m", "by hand")
        try git("checkout", "-q", "-f", "main")
    }

    func entry(_ name: String, account: String) -> String {
        "    - {kind: Account, name: \"\(name)\", account: \"\(account)\", hash: \"sha256:x\", revision: \"r\"}"
    }

    /// An entry moved by hand into another account's shard would be missed by the next record of its own shard:
    /// refused with its file, line and column, and where it belongs.
    func testAnEntryInTheShardOfOtherAccountsIsRefused() throws {
        let wrong = InventoryFile.shardPath(of: "a")
        try commitShards([
            wrong: ["formatVersion: 1", "servers:", "  \"web1\":", entry("a", account: "a"), entry("b", account: "b")]
                .joined(separator: "\n") + "\n"
        ])
        XCTAssertThrowsError(try StatusBranch(repository: try GitRepository(path: work.path)).snapshot()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("baton/status:\(wrong):5:"), text)
            XCTAssertTrue(text.contains("account 'b'"), text)
            XCTAssertTrue(text.contains(InventoryFile.shardPath(of: "b")), text)
        }
    }

    /// The same resource on the same server in two shards (under two accounts) is refused, naming both.
    func testAResourceListedInTwoShardsIsRefused() throws {
        let (a, b) = (InventoryFile.shardPath(of: "a"), InventoryFile.shardPath(of: "b"))
        try commitShards([
            a: "formatVersion: 1\nservers:\n  \"web1\":\n\(entry("same", account: "a"))\n",
            b: "formatVersion: 1\nservers:\n  \"web1\":\n\(entry("same", account: "b"))\n",
        ])
        XCTAssertThrowsError(try StatusBranch(repository: try GitRepository(path: work.path)).snapshot()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("Account/same is listed twice on server 'web1'"), text)
            XCTAssertTrue(text.contains(a) && text.contains(b), text)
        }
    }

    func testAFileInTheInventoryFolderThatIsNotAShardIsRefused() throws {
        try commitShards([
            InventoryFile.shardPath(of: "a"): "formatVersion: 1\nservers:\n  \"web1\":\n\(entry("a", account: "a"))\n",
            "inventory/notes.txt": "hello\n",
        ])
        XCTAssertThrowsError(try StatusBranch(repository: try GitRepository(path: work.path)).snapshot()) { error in
            XCTAssertTrue("\(error)".contains("baton/status:inventory/notes.txt"), "\(error)")
        }
    }
}
