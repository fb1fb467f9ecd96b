import Foundation
import GitStore
import Manifests
import XCTest

/// Reading revisions: real repositories, made with the git CLI in a scratch folder.
final class GitRepositoryTests: GitTestCase {
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

    /// The tree walk that skips equal folders lists what `git diff --name-only --no-renames` lists.
    func testChangedFilesAgreeWithGit() throws {
        try makeRepository()
        let start = try git("rev-parse", "HEAD")
        try write("accounts/acme/users.yaml", "kind: SystemUser\n")
        try write("accounts/globex/account.yaml", "changed: true\n")
        try write("deep/a/b/c.yaml", "x: 1\n")
        try write("notes.txt", "a file that is no manifest\n")
        _ = try git("mv", "accounts/acme/account.yaml", "accounts/acme/renamed.yaml")
        _ = try git("add", "-A")
        _ = try git("commit", "-q", "-m", "many changes")
        // A file becomes a folder of the same name, and a folder goes.
        _ = try git("rm", "-q", "notes.txt")
        try write("notes.txt/inner.yaml", "y: 2\n")
        _ = try git("rm", "-q", "-r", "deep")
        _ = try git("add", "-A")
        _ = try git("commit", "-q", "-m", "file to folder")
        let repo = try GitRepository(path: root.appendingPathComponent("work").path)
        for (from, to) in [(start, "HEAD~1"), ("HEAD~1", "HEAD"), (start, "HEAD"), ("HEAD", start)] {
            let expected = Set(
                try git("diff", "--name-only", "--no-renames", from, to).split(separator: "\n").map(String.init))
            XCTAssertEqual(
                try repo.changedFiles(from: repo.resolve(from), to: repo.resolve(to)), expected, "\(from)..\(to)")
        }
        XCTAssertEqual(try repo.changedFiles(from: repo.resolve("HEAD"), to: repo.resolve("HEAD")), [])
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

    /// Past its limit, the cache keeps the files the last two plans used and forgets older ones: however many
    /// revisions go by, it holds at most twice that working set (here three files: globex's, and acme's of the
    /// last two revisions).
    func testParseCacheIsBounded() throws {
        try makeRepository()
        let repo = try GitRepository(path: root.appendingPathComponent("work").path)
        let cache = ParseCache(limit: 2)
        _ = try ManifestLoader.load(try repo.source(at: "HEAD"), cache: cache)
        XCTAssertEqual(cache.count, 2)
        for round in 1...10 {
            cache.resetCounters()
            try write("accounts/acme/account.yaml", Self.account("acme", contact: "round\(round)@example.com"))
            try git("commit", "-q", "-a", "-m", "round \(round)")
            _ = try ManifestLoader.load(try repo.source(at: "HEAD"), cache: cache)
            XCTAssertEqual(cache.hits, 1, "globex's file, used every round, stays")
            XCTAssertLessThanOrEqual(cache.count, 6, "round \(round)")
        }
    }

    func testNotARepository() throws {
        XCTAssertThrowsError(try GitRepository(path: root.path))
    }
}

/// What a long-running reader gives back between uses.
final class GitRepositoryReleaseTests: GitTestCase {
    private func mappedPacks(under path: String) throws -> [String] {
        // Read to its end: procfs files have no size for Foundation's whole-file readers to go by.
        let maps = try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/maps")?.readToEnd())
        return String(decoding: maps, as: UTF8.self).split(separator: "\n")
            .filter { $0.contains(path) && $0.hasSuffix(".pack") }.map(String.init)
    }

    func testReleaseUnmapsThePacksAndTheRepositoryStillReads() throws {
        try makeRepository()
        try git("gc", "-q")
        let repository = try GitRepository(path: work.path)
        let packs = work.appendingPathComponent(".git/objects/pack").path
        XCTAssertEqual(try repository.file("accounts/acme/account.yaml", at: "HEAD"), bytes(Self.account("acme")))
        XCTAssertFalse(try mappedPacks(under: packs).isEmpty, "a read from a pack maps it")

        repository.release()
        XCTAssertEqual(try mappedPacks(under: packs), [], "released: no window of the packs stays mapped")

        // Opened again on the next use.
        XCTAssertEqual(try repository.file("accounts/globex/account.yaml", at: "HEAD"), bytes(Self.account("globex")))
        XCTAssertFalse(try mappedPacks(under: packs).isEmpty)
    }
}
