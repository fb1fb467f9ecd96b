import Foundation
import GitStore
import Manifests
import Planning
import StatusStore
import XCTest

/// The files a run writes, committed through libgit2 and read back.
final class StatusRecordTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for args in [["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "manifests"]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            p.arguments =
                ["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"] + args
            p.currentDirectoryURL = root
            try p.run()
            p.waitUntilExit()
        }
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
    }

    func change(_ action: Action, _ kind: Kind, _ name: String, server: String = "web1", hash: String = "sha256:new")
        -> Change
    {
        Change(
            action: action, id: ResourceID(kind, name), server: server, account: "acme",
            hash: action == .delete ? nil : hash)
    }

    func testARunIsRecordedAndReadBack() throws {
        let repository = try GitRepository(path: root.path)
        let manifests = try repository.resolve("HEAD")
        let branch = StatusBranch(repository: repository)
        let plan = Plan(
            revision: manifests.description, appliedRevision: nil, appliedDigest: AppliedState.emptyDigest,
            changes: [
                change(.create, .account, "acme"), change(.create, .webApp, "shop"),
                change(.create, .domain, "acme.example", server: "ns1"),
                change(.create, .domain, "acme.example", server: "ns2"),
            ])
        let key = { (server: String, kind: Kind, name: String) in
            Planner.Key(server: server, id: ResourceID(kind, name))
        }
        let record = StatusRecord(revision: manifests.description, time: "2026-12-02T10:00:00Z", run: "run-1")
        let files = record.files(
            plan: plan,
            outcomes: [
                key("web1", .account, "acme"): .applied, key("web1", .webApp, "shop"): .failed,
                key("ns1", .domain, "acme.example"): .applied,
            ],
            messages: [key("web1", .webApp, "shop"): "nginx -t failed"], inventory: [:])
        let commit = try branch.commit(files, on: try branch.snapshot(), applied: manifests, message: "run-1")

        let state = try branch.read()
        XCTAssertEqual(state.revision, manifests.description)
        XCTAssertEqual(state.servers["web1"]?.map(\.id.description), ["Account/acme"])
        XCTAssertEqual(state.servers["ns1"]?.map(\.id.description), ["Domain/acme.example"])
        XCTAssertNil(state.servers["ns2"], "a pending create is not in the inventory")
        XCTAssertEqual(state.known[ResourceID(.webApp, "shop")], "Failed", "read from its status file")
        let status = try XCTUnwrap(try repository.file(atRoot: "status/WebApp/shop.yaml", commit: commit))
        let parsed = try ResourceStatusFile.parse(status, file: "status/WebApp/shop.yaml")
        XCTAssertEqual(parsed.message, "nginx -t failed")
        XCTAssertEqual(parsed.state, "Failed")
        XCTAssertEqual(
            try ResourceStatusFile.parse(
                try XCTUnwrap(try repository.file(atRoot: "status/Domain/acme.example.yaml", commit: commit)),
                file: "x"
            ).state, "Pending", "a resource is as good as its worst server")

        // A second run deletes the account and retries the web app.
        let second = Plan(
            revision: manifests.description, appliedRevision: manifests.description, appliedDigest: state.digest,
            changes: [change(.delete, .account, "acme"), change(.create, .webApp, "shop")])
        let snapshot = try branch.snapshot()
        let next = StatusRecord(revision: manifests.description, time: "2026-12-02T11:00:00Z", run: "run-2").files(
            plan: second,
            outcomes: [key("web1", .account, "acme"): .applied, key("web1", .webApp, "shop"): .applied],
            inventory: snapshot.inventory, applied: snapshot.applied)
        _ = try branch.commit(next, on: snapshot, applied: manifests, message: "run-2")
        let after = try branch.snapshot()
        XCTAssertEqual(after.state.servers["web1"]?.map(\.id.description), ["WebApp/shop"])
        XCTAssertNil(try repository.file(atRoot: "status/Account/acme.yaml", commit: try XCTUnwrap(after.tip)))
        XCTAssertEqual(after.applied?.servers.keys.sorted(), ["ns1", "ns2", "web1"], "servers of earlier runs stay")
        XCTAssertEqual(after.applied?.run, "run-2")
    }

    func testValuesCannotChangeTheShapeOfAFile() throws {
        let nasty = "a\"b\\c\nkind: Account\u{7}\u{2028}é"
        let entry = InventoryFile.Entry(
            InventoryEntry(id: ResourceID(.webApp, nasty), account: nasty, hash: nasty, revision: nasty), state: nasty)
        let text = InventoryFile.render(["web1": [entry]])
        XCTAssertEqual(try InventoryFile.parse(Array(text.utf8)), ["web1": [entry]])
        let file = ResourceStatusFile(
            id: ResourceID(.domain, nasty), account: nasty, state: "Drifted", appliedRevision: nil, specHash: nasty,
            servers: [nasty], lastTransitionTime: nasty, message: nasty)
        XCTAssertEqual(try ResourceStatusFile.parse(Array(file.render().utf8), file: "f"), file)
        let applied = AppliedFile(revision: nasty, time: nasty, run: nasty)
        XCTAssertEqual(try AppliedFile.parse(Array(applied.render().utf8)), applied)
    }
}
