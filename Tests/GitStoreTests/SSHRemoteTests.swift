import Foundation
import GitStore
import TestSupport
import XCTest

/// Fetch and push over ssh:// against a real OpenSSH server that each test starts on 127.0.0.1, with host and
/// client keys of its own.
final class SSHRemoteTests: GitTestCase {
    var server: SSHTestServer?

    override func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    func startServer() throws -> SSHTestServer {
        let started = try SSHTestServer.start(folder: root.appendingPathComponent("sshd"), skip: { XCTSkip($0) })
        server = started
        return started
    }

    /// A bare remote with a status branch, and an empty work repository to fetch into.
    func makeRemote() throws -> (remote: URL, tip: String) {
        try makeRepository()
        let remote = try makeBare("remote.git")
        try git("push", "-q", remote.path, "main:refs/heads/baton/status")
        return (remote, try git("rev-parse", "main"))
    }

    func url(_ server: SSHTestServer, _ remote: URL) -> String {
        "ssh://\(server.user)@127.0.0.1:\(server.port)\(remote.path)"
    }

    func testFetchesOverSSHWithThePinnedHostKey() throws {
        let server = try startServer()
        let (remote, tip) = try makeRemote()
        let repo = try GitRepository(path: work.path)
        let options = RemoteOptions(privateKey: server.clientKey, hostKey: server.hostKey)
        try repo.fetch(
            from: url(server, remote), refspecs: ["+refs/heads/baton/status:refs/remotes/origin/baton/status"],
            options: options)
        XCTAssertEqual(try repo.reference("refs/remotes/origin/baton/status")?.description, tip)

        // And back: a commit on top of the fetched one, pushed over ssh.
        let fetched = try XCTUnwrap(try repo.reference("refs/remotes/origin/baton/status"))
        let pushed = try repo.commit(
            branch: "baton/status", updates: ["s.yaml": bytes("1\n")], message: "s", extraParents: [fetched])
        try repo.push(
            to: url(server, remote), refspecs: ["refs/heads/baton/status:refs/heads/baton/status"], options: options)
        XCTAssertEqual(try git("--git-dir", remote.path, "rev-parse", "baton/status", in: root), pushed.description)
    }

    func testRefusesAHostWhoseKeyIsNotThePinnedOne() throws {
        let server = try startServer()
        let (remote, _) = try makeRemote()
        let other = try SSHTestServer.keygen(root.appendingPathComponent("other-host-key"))
        let repo = try GitRepository(path: work.path)
        XCTAssertThrowsError(
            try repo.fetch(
                from: url(server, remote), refspecs: ["+refs/heads/baton/status:refs/remotes/origin/baton/status"],
                options: RemoteOptions(privateKey: server.clientKey, hostKey: other))
        ) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("host key mismatch for 127.0.0.1:\(server.port)"), message)
            XCTAssertTrue(message.contains("expected \(Self.typeAndBase64(other))"), message)
            XCTAssertTrue(message.contains("offered \(Self.typeAndBase64(server.hostKey))"), message)
        }
        XCTAssertNil(try repo.reference("refs/remotes/origin/baton/status"), "nothing was fetched")
    }

    func testChecksKnownHostsWithoutTrustOnFirstUse() throws {
        let server = try startServer()
        let (remote, tip) = try makeRemote()
        let repo = try GitRepository(path: work.path)
        let refspecs = ["+refs/heads/baton/status:refs/remotes/origin/baton/status"]
        let knownHosts = root.appendingPathComponent("known_hosts")
        let key = Self.typeAndBase64(server.hostKey)

        try "".write(to: knownHosts, atomically: true, encoding: .utf8)
        let options = RemoteOptions(privateKey: server.clientKey, knownHosts: knownHosts.path)
        XCTAssertThrowsError(try repo.fetch(from: url(server, remote), refspecs: refspecs, options: options)) {
            XCTAssertTrue("\($0)".contains("unknown host 127.0.0.1:\(server.port)"), "\($0)")
        }
        XCTAssertThrowsError(
            try repo.fetch(
                from: url(server, remote), refspecs: refspecs,
                options: RemoteOptions(
                    privateKey: server.clientKey, knownHosts: root.appendingPathComponent("none").path))
        ) { XCTAssertTrue("\($0)".contains("unknown host"), "\($0)") }

        // Port 22's entry is another host as far as known_hosts goes.
        try "127.0.0.1 \(key)\n".write(to: knownHosts, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try repo.fetch(from: url(server, remote), refspecs: refspecs, options: options))

        let wrong = Self.typeAndBase64(try SSHTestServer.keygen(root.appendingPathComponent("wrong")))
        try "[127.0.0.1]:\(server.port) \(wrong)\n".write(to: knownHosts, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try repo.fetch(from: url(server, remote), refspecs: refspecs, options: options)) {
            XCTAssertTrue("\($0)".contains("host key mismatch"), "\($0)")
            XCTAssertTrue("\($0)".contains(wrong), "\($0)")
        }

        try "# comment\nexample.com \(wrong)\n[127.0.0.1]:\(server.port),[localhost]:\(server.port) \(key) test\n"
            .write(to: knownHosts, atomically: true, encoding: .utf8)
        try repo.fetch(from: url(server, remote), refspecs: refspecs, options: options)
        XCTAssertEqual(try repo.reference("refs/remotes/origin/baton/status")?.description, tip)

        // Hashed by ssh-keygen -H, as OpenSSH's HashKnownHosts writes them.
        try "[127.0.0.1]:\(server.port) \(key)\n".write(to: knownHosts, atomically: true, encoding: .utf8)
        try ProcessRunner.output("/usr/bin/ssh-keygen", ["-q", "-H", "-f", knownHosts.path])
        let hashed = try String(contentsOf: knownHosts, encoding: .utf8)
        XCTAssertTrue(hashed.hasPrefix("|1|"), hashed)
        try git("update-ref", "-d", "refs/remotes/origin/baton/status")
        try repo.fetch(from: url(server, remote), refspecs: refspecs, options: options)
        XCTAssertEqual(try repo.reference("refs/remotes/origin/baton/status")?.description, tip)

        try "@revoked [127.0.0.1]:\(server.port) \(key)\n[127.0.0.1]:\(server.port) \(key)\n"
            .write(to: knownHosts, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try repo.fetch(from: url(server, remote), refspecs: refspecs, options: options)) {
            XCTAssertTrue("\($0)".contains("revoked"), "\($0)")
        }
    }

    func testTheServersNonFastForwardRefusalIsReportedAsSuch() throws {
        let server = try startServer()
        let (remote, tip) = try makeRemote()
        try git("--git-dir", remote.path, "config", "receive.denyNonFastForwards", "true", in: root)
        let repo = try GitRepository(path: work.path)
        let options = RemoteOptions(privateKey: server.clientKey, hostKey: server.hostKey)
        // A root commit of its own, forced: libgit2 lets a forced refspec through, the server does not.
        _ = try repo.commit(branch: "rewritten", updates: ["x": bytes("x\n")], message: "x")
        XCTAssertThrowsError(
            try repo.push(
                to: url(server, remote), refspecs: ["+refs/heads/rewritten:refs/heads/baton/status"], options: options)
        ) { error in
            XCTAssertTrue((error as? GitError)?.isNonFastForward ?? false, "\(error)")
            XCTAssertTrue(
                "\(error)".contains("the remote refused refs/heads/baton/status (non-fast-forward)"), "\(error)")
        }
        XCTAssertEqual(try git("--git-dir", remote.path, "rev-parse", "baton/status", in: root), tip)
    }

    func testAnUnauthorisedClientKeyIsNamed() throws {
        let server = try startServer()
        let (remote, _) = try makeRemote()
        let stranger = root.appendingPathComponent("stranger")
        _ = try SSHTestServer.keygen(stranger)
        let repo = try GitRepository(path: work.path)
        XCTAssertThrowsError(
            try repo.fetch(
                from: url(server, remote), refspecs: ["refs/heads/baton/status:refs/remotes/origin/baton/status"],
                options: RemoteOptions(privateKey: stranger.path, hostKey: server.hostKey))
        ) { error in
            XCTAssertTrue("\(error)".contains("ssh authentication as \(server.user)"), "\(error)")
            XCTAssertTrue("\(error)".contains(stranger.path), "\(error)")
        }
    }

    /// "ssh-ed25519 AAAA..." of a public key line, without its comment.
    static func typeAndBase64(_ line: String) -> String {
        line.split(separator: " ").prefix(2).joined(separator: " ")
    }
}
