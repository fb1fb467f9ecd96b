import Foundation
import GitStore
import Manifests
import Planning
import StatusStore
import TestSupport
import XCTest

/// Two Batons record on clones of one bare remote: the second one's push is refused, and its run is merged
/// onto what the first recorded instead of writing over it.
final class StatusPushTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-push-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
    }

    @discardableResult
    func git(_ args: String..., in dir: String) throws -> String {
        let result = try GitCLI.run(args, in: root.appendingPathComponent(dir))
        XCTAssertEqual(result.status, 0, "git \(args.joined(separator: " "))")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func record(_ clone: String, _ kind: Kind, _ name: String, server: String) throws -> StatusBranch.Recorded {
        let repository = try GitRepository(path: root.appendingPathComponent(clone).path)
        let revision = try repository.resolve("HEAD")
        let change = Change(
            action: .create, id: ResourceID(kind, name), server: server, account: "acme", hash: "sha256:\(name)")
        let plan = Plan(
            revision: revision.description, appliedRevision: nil, appliedDigest: "", changes: [change])
        return try StatusBranch(repository: repository).record(applied: revision, message: "run \(name)") { snapshot in
            StatusRecord(revision: revision.description, time: "2026-12-02T00:00:00Z", run: name).files(
                plan: plan, outcomes: [Planner.Key(server: server, id: change.id): .applied],
                inventory: snapshot.inventory, applied: snapshot.applied)
        }
    }

    func testARefusedPushIsMergedOntoTheRemotesState() throws {
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("seed"), withIntermediateDirectories: true)
        try git("init", "-q", "--bare", "remote.git", in: ".")
        try git("init", "-q", in: "seed")
        try git("commit", "-q", "--allow-empty", "-m", "manifests", in: "seed")
        try git("push", "-q", root.appendingPathComponent("remote.git").path, "main", in: "seed")
        try git("clone", "-q", "remote.git", "a", in: ".")

        let first = try record("a", .account, "acme", server: "web1")
        XCTAssertEqual(first.pushed, true)
        XCTAssertEqual(first.attempts, 1)
        try git("clone", "-q", "remote.git", "b", in: ".")
        XCTAssertEqual(try record("a", .domain, "acme.example", server: "ns1").pushed, true)

        // b knows the remote as it was before a's second run.
        let merged = try record("b", .webApp, "shop", server: "web1")
        XCTAssertEqual(merged.pushed, true)
        XCTAssertEqual(merged.attempts, 2)
        // One account: one shard holds all three.
        let inventory = try git(
            "--git-dir", "remote.git", "show", "baton/status:" + InventoryFile.shardPath(of: "acme"), in: ".")
        for name in ["\"acme\"", "\"acme.example\"", "\"shop\""] {
            XCTAssertTrue(inventory.contains("name: \(name)"), inventory)
        }
        XCTAssertEqual(
            try git("--git-dir", "remote.git", "rev-parse", "baton/status", in: "."),
            try git("rev-parse", "baton/status", in: "b"))
    }
}
