import Engine
import Foundation
import GitStore
import Manifests
import Planning
import SSHTransport
import StatusStore
import TestSupport
import XCTest

/// The daemon's drift round hands `DriftCheck` the manifests its plan session holds: they are used when they are
/// the revision last applied (no load of the whole revision every round), and only then.
final class DriftCheckReuseTests: XCTestCase {
    func testTheManifestsHeldAreUsedForTheirRevisionOnly() throws {
        let copy = try HostingCopy("drift")
        defer { copy.remove() }
        let (root, work) = (copy.root, copy.work)
        // Nothing listens on the servers' port here: a probe of a server fails at once, on this machine.
        let web1 = work.appendingPathComponent("servers/web1.yaml")
        try String(contentsOf: web1, encoding: .utf8)
            .replacingOccurrences(of: "address: 10.213.0.11", with: "address: 127.0.0.1")
            .replacingOccurrences(of: "port: 22", with: "port: 9")
            .write(to: web1, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: work.appendingPathComponent("servers/ns1.yaml"))
        let commit = ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q"]
        for args in [["init", "-q", "-b", "main"], ["add", "-A"], commit + ["-m", "hosting"]] {
            _ = try GitCLI.run(args, in: work)
        }
        let repository = try GitRepository(path: work.path)
        let revision = try repository.resolve("HEAD")
        let manifests = try ManifestLoader.load(try repository.source(at: revision.description)).manifests
        let account = try XCTUnwrap(
            ResourceStates.build(manifests).first { $0.id.kind == .account && $0.server == "web1" })
        let branch = StatusBranch(repository: repository, name: StatusBranch.defaultName)
        _ = try branch.record(applied: revision, message: "applied") { _ in
            [
                AppliedFile.path: Array(
                    AppliedFile(
                        revision: revision.description, time: "2026-12-07T00:00:00Z", run: "r1",
                        recipe: ResourceStates.recipe
                    ).render().utf8),
                InventoryFile.path: Array(
                    InventoryFile.render([
                        "web1": [
                            InventoryFile.Entry(
                                InventoryEntry(
                                    id: account.id, account: account.account, hash: account.hash,
                                    revision: revision.description))
                        ]
                    ]).utf8),
            ]
        }
        _ = try GitCLI.run(commit + ["--allow-empty", "-m", "later"], in: work)
        let later = try repository.resolve("HEAD").description
        let credentials = SSHCredentials(privateKeyPath: root.appendingPathComponent("no-key").path)
        func check(_ loaded: (revision: String, manifests: ManifestSet)?) throws -> DriftCheck {
            try DriftCheck.run(
                repository: repository, branch: branch.name, only: [], credentials: credentials, timeout: .seconds(5),
                loaded: loaded)
        }

        // Loaded from the repository: the account is rebuilt, and web1 probed (and not reached).
        let fresh = try check(nil)
        XCTAssertEqual(fresh.skipped, 0)
        XCTAssertEqual(fresh.servers?.map(\.name), ["web1"])
        XCTAssertNotNil(fresh.servers?.first?.failure)
        // Held manifests of another revision are not used.
        let other = try check((later, ManifestSet()))
        XCTAssertEqual(other.skipped, 0)
        XCTAssertEqual(other.servers?.map(\.name), ["web1"])
        // Held manifests of the revision applied are used as they are: these hold nothing, so nothing is
        // rebuilt and no server probed.
        let held = try check((revision.description, ManifestSet()))
        XCTAssertEqual(held.skipped, 1)
        XCTAssertEqual(held.servers?.count, 0)
        // And the real ones give what loading gives.
        let same = try check((revision.description, manifests))
        XCTAssertEqual(same.skipped, 0)
        XCTAssertEqual(same.servers?.map(\.name), ["web1"])
    }
}
