import Foundation
import GitStore
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
