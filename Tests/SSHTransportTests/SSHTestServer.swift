import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// An OpenSSH server on 127.0.0.1 and a free high port, run in the foreground as a child process, with its own
/// ed25519 host key, authorised ed25519 and ECDSA client keys, the sftp subsystem, and nothing from /etc/ssh.
///
/// Started with posix_spawn, not Foundation's Process: sshd closes the descriptors it inherits, which Process takes
/// for the child's exit and then blocks in waitpid for it, stalling every later Process of the test run.
/// (Copied from GitStoreTests' SSHServer: test targets cannot share code.)
final class SSHTestServer {
    let folder: URL
    let port: Int
    let user: String
    /// The host's public key line.
    let hostKey: String
    /// The private key files of the authorised clients.
    let clientKey: String
    let ecdsaClientKey: String
    private var pid: pid_t = 0

    init(folder: URL) throws {
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
        guard let account = getpwuid(geteuid()) else { throw SSHTestServerError("getpwuid: \(errno)") }
        user = String(cString: account.pointee.pw_name)
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
            Subsystem sftp internal-sftp
            MaxStartups 50
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
        throw SSHTestServerError("sshd did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    var log: String {
        (try? String(contentsOf: folder.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? ""
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
        guard code == 0 else { throw SSHTestServerError("posix_spawn \(tool): \(code)") }
        return pid
    }

    /// Makes a key pair without a passphrase; returns the public key line.
    static func keygen(_ file: URL, type: String = "ed25519") throws -> String {
        try run("/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "baton-test", "-f", file.path])
        return try String(contentsOfFile: file.path + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a tool to its end; returns its stdout.
    @discardableResult
    static func run(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw SSHTestServerError("\(tool) \(args) exited \(p.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A port the kernel hands out on 127.0.0.1, released again for the caller to bind (or to find closed).
    static func freePort() throws -> Int {
        let fd = try boundLoopbackSocket()
        defer { close(fd) }
        return try port(of: fd)
    }

    /// A TCP socket bound to 127.0.0.1 on a port the kernel picks.
    static func boundLoopbackSocket() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SSHTestServerError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound else {
            close(fd)
            throw SSHTestServerError("bind: \(errno)")
        }
        return fd
    }

    static func port(of fd: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard named else { throw SSHTestServerError("getsockname: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A listening socket on 127.0.0.1 that never accepts: the kernel completes TCP handshakes into its backlog, but
/// no SSH banner ever comes, like a host whose sshd hangs.
final class SilentListener {
    let fd: Int32
    let port: Int

    init(backlog: Int32 = 16) throws {
        fd = try SSHTestServer.boundLoopbackSocket()
        guard listen(fd, backlog) == 0 else {
            close(fd)
            throw SSHTestServerError("listen: \(errno)")
        }
        port = try SSHTestServer.port(of: fd)
    }

    deinit { close(fd) }
}

/// A listening socket on 127.0.0.1 whose accept queue is full: Linux drops further SYNs (tcp_abort_on_overflow is
/// off by default), so a TCP connect to it hangs like one to a host behind a dropping firewall.
final class FullListener {
    let listener: SilentListener
    private var fillers: [Int32] = []

    init() throws {
        listener = try SilentListener(backlog: 0)
        // A backlog of 0 still queues one connection; two more make sure the queue is full.
        for _ in 0..<3 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw SSHTestServerError("socket: \(errno)") }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(listener.port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            fillers.append(fd)
        }
        usleep(100_000)
    }

    var port: Int { listener.port }

    deinit { fillers.forEach { close($0) } }
}

struct SSHTestServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
