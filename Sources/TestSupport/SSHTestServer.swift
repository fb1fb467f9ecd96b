import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An OpenSSH server on 127.0.0.1 and a free high port, run in the foreground as a child process, with its own
/// ed25519 host key, authorised ed25519 and ECDSA client keys, the sftp subsystem, and nothing from /etc/ssh.
///
/// Started with posix_spawn, not Foundation's Process: sshd closes the descriptors it inherits, which Process takes
/// for the child's exit and then blocks in waitpid for it, stalling every later Process of the test run.
///
/// Shared by the GitStore (git over ssh://) and SSHTransport (commands and uploads) tests: a library target, since
/// test targets cannot share code.
package final class SSHTestServer {
    package static let sshd = "/usr/sbin/sshd"

    /// Starts a server in `folder`, or, where sshd is not installed, throws what `skip` makes of the reason (an
    /// XCTSkip in the tests: this target does not see XCTest, so that `swift build` builds it).
    package static func start(folder: URL, skip: (String) -> Error) throws -> SSHTestServer {
        guard FileManager.default.isExecutableFile(atPath: sshd) else {
            throw skip("\(sshd) is missing: install openssh-server (scripts/install-deps) to run ssh tests")
        }
        return try SSHTestServer(folder: folder)
    }

    package let folder: URL
    package let port: Int
    package let user: String
    /// The host's public key line.
    package let hostKey: String
    /// The private key files of the authorised clients.
    package let clientKey: String
    package let ecdsaClientKey: String
    private var pid: pid_t = 0

    package init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        hostKey = try Self.keygen(folder.appendingPathComponent("host_ed25519"))
        let client = folder.appendingPathComponent("client_ed25519")
        let ecdsa = folder.appendingPathComponent("client_ecdsa")
        let authorised = [try Self.keygen(client), try Self.keygen(ecdsa, type: "ecdsa")]
        clientKey = client.path
        ecdsaClientKey = ecdsa.path
        try (authorised.joined(separator: "\n") + "\n").write(
            to: folder.appendingPathComponent("authorized_keys"), atomically: true, encoding: .utf8)
        guard let account = getpwuid(geteuid()) else { throw TestSupportError("getpwuid: \(errno)") }
        user = String(cString: account.pointee.pw_name)
        if geteuid() == 0 {
            // sshd refuses to start as root without its privilege separation folder, which only a booted system makes.
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        }
        port = try LoopbackSocket.freePort()
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
            Subsystem sftp internal-sftp
            MaxStartups 50
            LogLevel VERBOSE

            """
        let configFile = folder.appendingPathComponent("sshd_config")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("sshd.log")
        pid = try Self.spawn(Self.sshd, ["-D", "-e", "-f", configFile.path], stderr: log.path)
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
        throw TestSupportError("sshd did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// What sshd has logged so far (LogLevel VERBOSE: connections, accepted and failed keys).
    package var log: String {
        (try? String(contentsOf: folder.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? ""
    }

    package func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    /// Starts `tool` with stdin and stdout on /dev/null and stderr into the file `stderr`; returns its pid.
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
        guard code == 0 else { throw TestSupportError("posix_spawn \(tool): \(code)") }
        return pid
    }

    /// Makes a key pair without a passphrase; returns the public key line.
    package static func keygen(_ file: URL, type: String = "ed25519") throws -> String {
        try ProcessRunner.output(
            "/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "baton-test", "-f", file.path])
        return try String(contentsOfFile: file.path + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
