import Foundation
import GitStore
import TestSupport
import XCTest

/// Fetch and push between repositories on this machine, by path, file:// URL and remote name.
final class GitRemoteTests: GitTestCase {
    let statusRef = "refs/heads/baton/status"
    let trackingRef = "refs/remotes/origin/baton/status"

    /// A daemon's mirror: a bare repository made on first use, `origin` set to the URL and moved when it changes,
    /// fetched from like any remote.
    func testAMirrorIsMadeOnceAndFollowsItsURL() throws {
        try makeRepository()
        let remote = try makeBare("remote.git")
        let repo = try GitRepository(path: work.path)
        let first = try repo.commit(branch: "main", updates: ["a.yaml": bytes("1\n")], message: "1")
        try repo.push(to: remote.path, refspecs: ["refs/heads/main:refs/heads/main"])
        let path = root.appendingPathComponent("state/mirror.git").path
        let mirror = try GitRepository.mirror(at: path, of: "file://" + remote.path)
        XCTAssertTrue(mirror.isBare)
        try mirror.fetch(from: "origin", refspecs: ["+refs/heads/main:refs/heads/main"])
        XCTAssertEqual(try mirror.resolve("main"), first)
        // Opened again: the same mirror; another URL replaces origin's.
        let again = try GitRepository.mirror(at: path, of: remote.path)
        XCTAssertEqual(try again.resolve("main"), first)
        XCTAssertEqual(try git("--git-dir", path, "remote", "get-url", "origin", in: root), remote.path)
    }

    func testPushAndFetchByPathAndFileURL() throws {
        try makeRepository()
        let remote = try makeBare("remote.git")
        let repo = try GitRepository(path: work.path)
        let first = try repo.commit(branch: "baton/status", updates: ["s/a.yaml": bytes("1\n")], message: "1")
        try repo.push(to: remote.path, refspecs: ["\(statusRef):\(statusRef)"])
        XCTAssertEqual(try git("--git-dir", remote.path, "rev-parse", "baton/status", in: root), first.description)

        // Another clone takes the branch further and pushes by file:// URL.
        let other = root.appendingPathComponent("other")
        try git("clone", "-q", remote.path, other.path, in: root)
        let otherRepo = try GitRepository(path: other.path)
        try otherRepo.fetch(from: "origin", refspecs: ["+\(statusRef):\(trackingRef)"])
        XCTAssertEqual(try otherRepo.reference(trackingRef), first)
        let second = try otherRepo.commit(
            branch: "baton/status", updates: ["s/b.yaml": bytes("2\n")], message: "2",
            extraParents: [], expectedTip: .some(nil))
        XCTAssertEqual(try git("rev-list", "--count", "baton/status", in: other), "1", "an unrelated root commit")
        try otherRepo.push(to: "file://" + remote.path, refspecs: ["+\(statusRef):\(statusRef)"])
        XCTAssertEqual(try git("--git-dir", remote.path, "rev-parse", "baton/status", in: root), second.description)

        XCTAssertFalse(repo.hasCommit(second))
        try repo.fetch(from: "file://" + remote.path, refspecs: ["+\(statusRef):\(trackingRef)"])
        XCTAssertEqual(try repo.reference(trackingRef), second)
        XCTAssertTrue(repo.hasCommit(second))
        XCTAssertEqual(try repo.file(atRoot: "s/b.yaml", commit: second), bytes("2\n"))
        XCTAssertEqual(try repo.reference(statusRef), first, "only the refspec's right side moved")

        // A tag on the remote is not followed in.
        try git("tag", "remote-tag", "baton/status", in: other)
        try git("push", "-q", "origin", "remote-tag", in: other)
        try repo.fetch(from: remote.path, refspecs: ["+\(statusRef):\(trackingRef)"])
        XCTAssertNil(try repo.reference("refs/tags/remote-tag"))
    }

    func testFetchByRemoteName() throws {
        try makeRepository()
        let remote = try makeBare("remote.git")
        try git("push", "-q", remote.path, "main:refs/heads/baton/status")
        try git("remote", "add", "origin", remote.path)
        let repo = try GitRepository(path: work.path)
        XCTAssertNil(try repo.reference(trackingRef))
        try repo.fetch(from: "origin", refspecs: ["+\(statusRef):\(trackingRef)"])
        XCTAssertEqual(try repo.reference(trackingRef), try repo.resolve("main"))
        XCTAssertThrowsError(try repo.fetch(from: root.appendingPathComponent("missing.git").path, refspecs: []))
    }

    func testANonFastForwardPushIsReportedAsSuch() throws {
        try makeRepository()
        let remote = try makeBare("remote.git")
        let repo = try GitRepository(path: work.path)
        let base = try repo.commit(branch: "baton/status", updates: ["s.yaml": bytes("0\n")], message: "0")
        try repo.push(to: remote.path, refspecs: ["\(statusRef):\(statusRef)"])
        let other = root.appendingPathComponent("other")
        try git("clone", "-q", "--bare", remote.path, other.path, in: root)
        let otherRepo = try GitRepository(path: other.path)
        let theirs = try otherRepo.commit(branch: "baton/status", updates: ["s.yaml": bytes("theirs\n")], message: "t")
        try otherRepo.push(to: remote.path, refspecs: ["\(statusRef):\(statusRef)"])

        let ours = try repo.commit(branch: "baton/status", updates: ["s.yaml": bytes("ours\n")], message: "o")
        XCTAssertEqual(try git("rev-parse", "baton/status^"), base.description)
        XCTAssertThrowsError(try repo.push(to: "file://" + remote.path, refspecs: ["\(statusRef):\(statusRef)"])) {
            error in
            XCTAssertTrue((error as? GitError)?.isNonFastForward ?? false, "\(error)")
            XCTAssertFalse((error as? GitError)?.isMovedReference ?? true)
        }
        XCTAssertEqual(try git("--git-dir", remote.path, "rev-parse", "baton/status", in: root), theirs.description)

        // The way on: fetch, commit with their tip as an extra parent, push again.
        try repo.fetch(from: remote.path, refspecs: ["+\(statusRef):\(trackingRef)"])
        let merged = try repo.commit(
            branch: "baton/status", updates: ["s.yaml": bytes("merged\n")], message: "m",
            extraParents: [try XCTUnwrap(try repo.reference(trackingRef))], expectedTip: ours)
        try repo.push(to: remote.path, refspecs: ["\(statusRef):\(statusRef)"])
        XCTAssertEqual(try git("--git-dir", remote.path, "rev-parse", "baton/status", in: root), merged.description)
    }
}

/// A mirror that fetches often folds its packs: one pack, every object still there, no descriptor left on the
/// packs it removed.
final class PackCompactionTests: GitTestCase {
    func openPackDescriptors(_ folder: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter {
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) ?? "").hasPrefix(
                folder)
        }.count
    }

    func testAMirrorFoldsItsPacksAndKeepsEveryObject() throws {
        try makeRepository()
        let mirrorPath = root.appendingPathComponent("mirror.git").path
        let mirror = try GitRepository.mirror(at: mirrorPath, of: "file://" + work.path)
        var tips: [String] = []
        for round in 1...12 {
            try write("accounts/a\(round)/account.yaml", Self.account("a\(round)"))
            try git("add", "-A")
            try git("commit", "-q", "-m", "round \(round)")
            tips.append(try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))
            try mirror.fetch(from: "origin", refspecs: ["+refs/heads/*:refs/heads/*"])
            _ = try mirror.resolve(tips.last!)
        }
        // A commit Baton writes itself, loose.
        let status = try mirror.commit(branch: "baton/status", updates: ["a.yaml": Array("1".utf8)], message: "s")
        let folder = mirrorPath + "/objects/pack"
        XCTAssertGreaterThanOrEqual(mirror.packFiles.count, 12, "a pack per fetch")
        XCTAssertGreaterThanOrEqual(openPackDescriptors(folder), 12, "each held open")

        XCTAssertEqual(try mirror.compactPacks(ifMoreThan: 20), 0, "under the limit: nothing done")
        XCTAssertFalse(mirror.looseObjects().isEmpty)
        XCTAssertGreaterThanOrEqual(try mirror.compactPacks(ifMoreThan: 4), 11)
        XCTAssertLessThanOrEqual(mirror.packFiles.count, 2, "packs of about one size are folded together")
        XCTAssertEqual(mirror.looseObjects().count, 0, "the loose objects are in the new pack: their copies go")
        for tip in tips { XCTAssertEqual(try mirror.resolve(tip).description, tip) }
        XCTAssertEqual(
            try mirror.file(atRoot: "a.yaml", commit: status).map { String(decoding: $0, as: UTF8.self) }, "1")
        XCTAssertLessThanOrEqual(openPackDescriptors(folder), 2, "the removed packs are closed")
        let fsck = try GitCLI.run(["fsck", "--full", "--no-dangling"], in: URL(fileURLWithPath: mirrorPath))
        XCTAssertEqual(fsck.status, 0, fsck.stdout)
        // And it goes on fetching into the folded mirror.
        try write("accounts/late/account.yaml", Self.account("late"))
        try git("add", "-A")
        try git("commit", "-q", "-m", "late")
        try mirror.fetch(from: "origin", refspecs: ["+refs/heads/*:refs/heads/*"])
        let branch = try git("rev-parse", "--abbrev-ref", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(
            try mirror.resolve("refs/heads/" + branch).description,
            try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension PackCompactionTests {
    /// A big first pack (the clone of a large repository) is not rewritten with the small packs of later fetches:
    /// folding them must not cost a rewrite of everything every time.
    func testTheLargeFirstPackIsLeftAloneAndTheSmallOnesAndLooseObjectsAreFolded() throws {
        try makeRepository()
        // Random comments, which do not compress: the first pack is many times the later ones.
        for n in 0..<300 {
            let noise = (0..<3000).map { _ in UInt8.random(in: 0...255) }
            try write(
                "accounts/big\(n)/account.yaml", Self.account("big\(n)") + "# \(Data(noise).base64EncodedString())\n")
        }
        try git("add", "-A")
        try git("commit", "-q", "-m", "large")
        let mirrorPath = root.appendingPathComponent("mirror.git").path
        let mirror = try GitRepository.mirror(at: mirrorPath, of: "file://" + work.path)
        try mirror.fetch(from: "origin", refspecs: ["+refs/heads/*:refs/heads/*"])
        let base = try XCTUnwrap(mirror.packFiles.first)
        XCTAssertEqual(mirror.packFiles.count, 1)
        var tips: [String] = []
        for round in 1...8 {
            try write("accounts/a\(round)/account.yaml", Self.account("a\(round)"))
            try git("add", "-A")
            try git("commit", "-q", "-m", "round \(round)")
            tips.append(try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))
            try mirror.fetch(from: "origin", refspecs: ["+refs/heads/*:refs/heads/*"])
        }
        var commits: [ObjectID] = []
        for n in 0..<20 {
            commits.append(
                try mirror.commit(branch: "baton/status", updates: ["l\(n).yaml": Array("\(n)".utf8)], message: "s\(n)")
            )
        }
        XCTAssertGreaterThanOrEqual(mirror.looseObjects().count, 60)
        XCTAssertEqual(try mirror.compactPacks(ifMoreThan: 50, looseLimit: 1000), 0, "under both limits")
        XCTAssertEqual(try mirror.compactPacks(ifMoreThan: 4), 8, "the eight small packs")
        XCTAssertEqual(mirror.packFiles.count, 2)
        XCTAssertTrue(mirror.packFiles.contains(base), "the large pack is left as it was")
        XCTAssertEqual(mirror.looseObjects().count, 0)
        for tip in tips { XCTAssertEqual(try mirror.resolve(tip).description, tip) }
        for (n, commit) in commits.enumerated() {
            XCTAssertEqual(
                try mirror.file(atRoot: "l\(n).yaml", commit: commit).map { String(decoding: $0, as: UTF8.self) },
                "\(n)")
        }
        let fsck = try GitCLI.run(["fsck", "--full", "--no-dangling"], in: URL(fileURLWithPath: mirrorPath))
        XCTAssertEqual(fsck.status, 0, fsck.stdout)

        // Loose objects alone past their limit are folded too, the packs left as they are.
        for n in 0..<10 {
            _ = try mirror.commit(branch: "baton/status", updates: ["m\(n).yaml": Array("\(n)".utf8)], message: "m\(n)")
        }
        let packs = mirror.packFiles
        XCTAssertEqual(try mirror.compactPacks(ifMoreThan: 50, looseLimit: 10), 0, "no pack folded")
        XCTAssertEqual(mirror.looseObjects().count, 0)
        XCTAssertEqual(Set(mirror.packFiles).intersection(packs), Set(packs))
        XCTAssertEqual(mirror.packFiles.count, packs.count + 1)
    }

    func testTheGeometricSplit() {
        XCTAssertEqual(GitRepository.geometricSplit([]), 0)
        XCTAssertEqual(GitRepository.geometricSplit([5]), 0)
        XCTAssertEqual(GitRepository.geometricSplit([1, 1, 1, 1, 100]), 4)
        XCTAssertEqual(GitRepository.geometricSplit([1, 2, 6, 18, 54]), 0, "each at least twice all before it")
        XCTAssertEqual(GitRepository.geometricSplit([1, 1, 3, 100]), 3, "3 is under twice 2")
        XCTAssertEqual(GitRepository.geometricSplit([1, 1, 5, 100]), 2)
        XCTAssertEqual(GitRepository.geometricSplit([10, 10, 10, 50]), 4, "50 is under twice 30")
    }
}

/// A process that records and pushes every minute for months: remote lookups must not cost memory each time
/// (libgit2 1.5 leaks PCRE2 match data in every `git_remote_lookup`; Baton opens a remote once per handle).
final class RemoteMemoryTests: GitTestCase {
    func testRepeatedPushesAndRemoteChecksKeepTheHeapFlat() throws {
        try makeRepository()
        let remote = root.appendingPathComponent("remote.git")
        try git("init", "-q", "--bare", remote.path, in: root)
        try git("remote", "add", "origin", remote.path)
        // A configuration of the size people have: every entry is matched against insteadOf's glob.
        for i in 0..<30 { try git("config", "alias.a\(i)", "log --oneline -\(i)") }
        let repo = try GitRepository(path: work.path)
        func round(_ i: Int) throws {
            XCTAssertTrue(try repo.hasRemote("origin"))
            _ = try repo.commit(branch: "baton/status", updates: ["a.yaml": Array("\(i)".utf8)], message: "\(i)")
            try repo.push(to: "origin", refspecs: ["refs/heads/baton/status:refs/heads/baton/status"])
        }
        for i in 0..<20 { try round(i) }
        let before = ProcessMemory.anonymous()
        for i in 20..<220 { try round(i) }
        let grown = ProcessMemory.anonymous() - before
        XCTAssertLessThan(grown, 3 << 20, "\(grown) bytes more after 200 pushes")
    }
}
