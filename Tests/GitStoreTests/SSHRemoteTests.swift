import Foundation
import GitStore
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Fetch and push over ssh:// against a real OpenSSH server that each test starts on 127.0.0.1, with host and
/// client keys of its own.
final class SSHRemoteTests: GitTestCase {
    var server: SSHServer?

    override func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    func startServer() throws -> SSHServer {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else {
            throw XCTSkip("/usr/sbin/sshd is missing: install openssh-server (scripts/install-deps) to run ssh tests")
        }
        let started = try SSHServer(folder: root.appendingPathComponent("sshd"))
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

    func url(_ server: SSHServer, _ remote: URL) -> String {
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
        let other = try SSHServer.keygen(root.appendingPathComponent("other-host-key"))
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

        let wrong = Self.typeAndBase64(try SSHServer.keygen(root.appendingPathComponent("wrong")))
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
        try SSHServer.run("/usr/bin/ssh-keygen", ["-q", "-H", "-f", knownHosts.path])
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
        _ = try SSHServer.keygen(stranger)
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

/// An OpenSSH server on 127.0.0.1 and a free high port, run in the foreground as a child process, with its own
/// host key, one authorised client key, and nothing from /etc/ssh.
///
/// Started with posix_spawn, not Foundation's Process: sshd closes the descriptors it inherits, which Process takes
/// for the child's exit and then blocks in waitpid for it, stalling every later Process of the test run.
final class SSHServer {
    let folder: URL
    let port: Int
    let user: String
    /// The host's public key line.
    let hostKey: String
    /// The client's private key file.
    let clientKey: String
    private var pid: pid_t = 0

    init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        hostKey = try Self.keygen(folder.appendingPathComponent("host_ed25519"))
        let client = folder.appendingPathComponent("client_ed25519")
        let clientPublic = try Self.keygen(client)
        clientKey = client.path
        try (clientPublic + "\n").write(
            to: folder.appendingPathComponent("authorized_keys"), atomically: true, encoding: .utf8)
        user = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        if geteuid() == 0 {
            // sshd refuses to start as root without its privilege separation folder, which only a booted system makes.
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        }
        port = try Self.freePort()
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(folder.appendingPathComponent("host_ed25519").path)
            AuthorizedKeysFile \(folder.appendingPathComponent("authorized_keys").path)
            PidFile \(folder.appendingPathComponent("sshd.pid").path)
            StrictModes no
            UsePAM no
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            LogLevel VERBOSE

            """
        let configFile = folder.appendingPathComponent("sshd_config")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("sshd.log")
        pid = try Self.spawn("/usr/sbin/sshd", ["-D", "-e", "-f", configFile.path], stderr: log.path)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if text.contains("Server listening on 127.0.0.1 port \(port)") { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                pid = 0
                break
            }
            usleep(20_000)
        }
        stop()
        throw SSHServerError("sshd did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    static func spawn(_ tool: String, _ args: [String], stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([tool] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, tool, &actions, nil, argv, environ)
        guard code == 0 else { throw SSHServerError("posix_spawn \(tool): \(code)") }
        return pid
    }

    /// Makes an ed25519 key pair without a passphrase; returns the public key line.
    static func keygen(_ file: URL) throws -> String {
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "baton-test", "-f", file.path])
        return try String(contentsOfFile: file.path + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func run(_ tool: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw SSHServerError("\(tool) \(args) exited \(p.terminationStatus)") }
    }

    /// A port the kernel hands out on 127.0.0.1, released again for sshd to bind.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SSHServerError("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw SSHServerError("bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct SSHServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
