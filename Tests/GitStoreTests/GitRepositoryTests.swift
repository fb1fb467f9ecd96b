import Foundation
import GitStore
import Manifests
import XCTest

/// Real repositories, made with the git CLI in a scratch folder.
final class GitRepositoryTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
    }

    @discardableResult
    func git(_ args: String..., in dir: URL? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        p.arguments =
            ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"] + args
        p.currentDirectoryURL = dir ?? root.appendingPathComponent("work")
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "git \(args.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent("work").appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    static func account(_ name: String, contact: String = "ops@example.com") -> String {
        "apiVersion: baton/v1\nkind: Account\nmetadata: {name: \(name)}\nspec: {contact: \(contact)}\n"
    }

    func makeRepository() throws {
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("work"), withIntermediateDirectories: true)
        try git("init", "-q")
        try write("accounts/acme/account.yaml", Self.account("acme"))
        try write(".github/workflow.yaml", "on: push\n")
        try write("README.md", "not a manifest\n")
        try git("add", "-A")
        try git("commit", "-q", "-m", "first")
        try git("tag", "v1")
        try write("accounts/globex/account.yaml", Self.account("globex"))
        try git("add", "-A")
        try git("commit", "-q", "-m", "second")
    }

    func testReadsARevisionFromItsTreeIgnoringTheWorkTree() throws {
        try makeRepository()
        // Uncommitted: a broken file and a changed one; neither is part of HEAD.
        try write("accounts/acme/account.yaml", Self.account("acme", contact: "not-an-email"))
        try write("accounts/initech/account.yaml", "kind: [\n")
        let repo = try GitRepository(path: root.appendingPathComponent("work").path)
        let source = try repo.source(at: "HEAD")
        XCTAssertEqual(source.manifestPaths(), ["accounts/acme/account.yaml", "accounts/globex/account.yaml"])
        let inner = try GitRepository(path: root.appendingPathComponent("work/accounts").path)
        XCTAssertEqual(inner.prefix, "accounts")
        XCTAssertEqual(
            try inner.source(at: "HEAD").manifestPaths(), ["acme/account.yaml", "globex/account.yaml"], "as on disk")
        let loaded = try ManifestLoader.load(source)
        XCTAssertEqual(loaded.diagnostics, [])
        XCTAssertEqual(loaded.manifests.accounts.map(\.spec.contact), ["ops@example.com", "ops@example.com"])
        XCTAssertEqual(loaded.manifests.accounts.first?.origin.file, "accounts/acme/account.yaml")
        let disk = try ManifestLoader.load(DirectorySource(root: root.appendingPathComponent("work").path))
        XCTAssertFalse(disk.diagnostics.isEmpty, "the work tree does hold the broken file")
        XCTAssertEqual(try git("status", "--porcelain").split(separator: "\n").count, 2, "nothing was staged")
    }

    func testResolvesEveryFormOfRevision() throws {
        try makeRepository()
        let repo = try GitRepository(path: root.appendingPathComponent("work").path)
        let head = try git("rev-parse", "HEAD")
        let first = try git("rev-parse", "HEAD~1")
        XCTAssertEqual(try repo.resolve("HEAD").description, head)
        XCTAssertEqual(try repo.resolve("main").description, head)
        XCTAssertEqual(try repo.resolve("v1").description, first)
        XCTAssertEqual(try repo.resolve("HEAD~1").description, first)
        XCTAssertEqual(try repo.resolve(String(first.prefix(7))).description, first)
        XCTAssertEqual(try repo.source(at: "v1").manifestPaths(), ["accounts/acme/account.yaml"])
        XCTAssertThrowsError(try repo.resolve("no-such-branch")) { error in
            XCTAssertTrue((error as? GitError)?.isNotFound ?? false, "\(error)")
        }
    }

    func testListsChangesWithRenames() throws {
        try makeRepository()
        try git("mv", "accounts/globex/account.yaml", "accounts/globex/globex.yaml")
        try write("accounts/acme/account.yaml", Self.account("acme", contact: "new@example.com"))
        try write("accounts/initech/account.yaml", Self.account("initech"))
        try git("add", "-A")
        try git("commit", "-q", "-m", "third")
        try git("rm", "-q", "accounts/initech/account.yaml")
        try git("commit", "-q", "-m", "fourth")
        let repo = try GitRepository(path: root.appendingPathComponent("work").path)
        let changes = try repo.changes(from: "HEAD~2", to: "HEAD~1")
        XCTAssertEqual(
            Set(changes),
            [
                .init(kind: .modified, path: "accounts/acme/account.yaml"),
                .init(kind: .added, path: "accounts/initech/account.yaml"),
                .init(kind: .renamed, path: "accounts/globex/globex.yaml", oldPath: "accounts/globex/account.yaml"),
            ])
        XCTAssertEqual(
            try repo.changes(from: "HEAD~1", to: "HEAD"), [.init(kind: .deleted, path: "accounts/initech/account.yaml")]
        )
    }

    func testBareRepositoriesAndMissingFiles() throws {
        try makeRepository()
        try git(
            "clone", "-q", "--bare", root.appendingPathComponent("work").path,
            root.appendingPathComponent("bare.git").path, in: root)
        let bare = try GitRepository(path: root.appendingPathComponent("bare.git").path)
        XCTAssertTrue(bare.isBare)
        XCTAssertEqual(try bare.source(at: "main").manifestPaths().count, 2)
        XCTAssertNil(try bare.file("baton.yaml", at: "main"))
        XCTAssertEqual(
            try bare.file("README.md", at: "main").map { String(decoding: $0, as: UTF8.self) }, "not a manifest\n")
    }

    func testBatonignoreOfTheRevisionApplies() throws {
        try makeRepository()
        try write(".batonignore", "ci/\n")
        try write("ci/pipeline.yaml", "stages: [x]\n")
        try git("add", "-A")
        try git("commit", "-q", "-m", "ci")
        let repo = try GitRepository(path: root.appendingPathComponent("work").path)
        XCTAssertEqual(try repo.source(at: "HEAD").manifestPaths().count, 2)
        XCTAssertEqual(try repo.source(at: "HEAD").manifestPaths().filter { $0.hasPrefix("ci/") }, [])
    }

    func testParseCacheDecodesOnlyChangedBlobs() throws {
        try makeRepository()
        try write("accounts/acme/account.yaml", Self.account("acme", contact: "changed@example.com"))
        try git("commit", "-q", "-a", "-m", "third")
        let repo = try GitRepository(path: root.appendingPathComponent("work").path)
        let cache = ParseCache()
        _ = try ManifestLoader.load(try repo.source(at: "HEAD~1"), cache: cache)
        XCTAssertEqual(cache.misses, 2)
        cache.resetCounters()
        let cached = try ManifestLoader.load(try repo.source(at: "HEAD"), cache: cache)
        XCTAssertEqual(cache.hits, 1, "globex's blob did not change")
        XCTAssertEqual(cache.misses, 1, "acme's did")
        let fresh = try ManifestLoader.load(try repo.source(at: "HEAD"))
        XCTAssertEqual(cached.manifests, fresh.manifests)
        XCTAssertEqual(
            cached.manifests.accounts.map(\.spec.contact).sorted(), ["changed@example.com", "ops@example.com"])
    }

    func testNotARepository() throws {
        XCTAssertThrowsError(try GitRepository(path: root.path))
    }
}
