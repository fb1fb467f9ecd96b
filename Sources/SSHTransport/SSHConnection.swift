import CSSH2
import SSHKeys

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One authenticated SSH connection to a server, whose host key was checked against the pinned one before the
/// client key was offered.
///
/// Use a connection from one thread at a time: libssh2 sessions are not thread-safe, so `SSHConnection` is not
/// `Sendable`. Connections to different servers run side by side with `SSHPool`, each on a thread of its own.
/// Every call blocks its thread until it finishes or its deadline passes; do not call it from Swift's cooperative
/// thread pool (see `SSHPool`).
package final class SSHConnection {
    package let target: SSHTarget
    private var io: SessionIO?
    /// The SFTP subsystem, started by the first upload and kept for the next.
    var sftp: OpaquePointer?
    private var closedBecause = "it was never opened"

    private init(target: SSHTarget, io: SessionIO) {
        self.target = target
        self.io = io
    }

    deinit {
        close()
    }

    /// Whether the connection can still be used: false after `close()`, a timed-out operation or a broken link.
    package var isOpen: Bool { io != nil }

    /// Connects, checks the server's host key against `target.hostKey` and authenticates with the client key, all
    /// within `target.connectTimeout`.
    ///
    /// Throws `SSHError`: `.connectionRefused`, `.connectTimedOut` (its `stage` says which step), `.hostKeyMismatch`
    /// (the client key was never offered), `.authenticationFailed`, `.unusableKey`, and the others.
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package static func connect(_ target: SSHTarget, credentials: SSHCredentials) throws -> SSHConnection {
        try SSHLibrary.initialise()
        guard let pinned = SSHPublicKey(line: target.hostKey) else {
            throw SSHError.invalidTarget(
                "the pinned host key is not a key line (\"type base64\"): \"\(target.hostKey)\"")
        }
        guard !target.user.isEmpty else { throw SSHError.invalidTarget("the user is empty") }
        // Checked here because libssh2 reports a missing file as a generic "unable to extract public key".
        try checkReadable(credentials.privateKeyPath)
        if let publicKeyPath = credentials.publicKeyPath { try checkReadable(publicKeyPath) }

        let deadline = Deadline(after: target.connectTimeout)
        let socket = try TCPSocket.connect(
            host: target.host, port: target.port, endpoint: target.endpoint, deadline: deadline,
            timeout: target.connectTimeout)
        guard let session = libssh2_session_init_ex(nil, nil, nil, nil) else {
            socket.close()
            throw SSHError.libssh2(
                operation: "libssh2_session_init", code: LIBSSH2_ERROR_ALLOC, message: "cannot allocate a session")
        }
        // From here on the connection owns the socket and the session: its teardown (or deinit) frees both, once.
        let connection = SSHConnection(target: target, io: SessionIO(session: session, socket: socket))
        do {
            try connection.start(pinned: pinned, credentials: credentials, deadline: deadline)
        } catch {
            connection.tearDown(reason: "connecting failed", graceful: false)
            throw error
        }
        return connection
    }

    private static func checkReadable(_ path: String) throws {
        guard access(path, R_OK) == 0 else {
            throw SSHError.unusableKey(path: path, reason: errorText(errno))
        }
    }

    private func start(pinned: SSHPublicKey, credentials: SSHCredentials, deadline: Deadline) throws {
        guard let io else { throw SSHError.connectionClosed(reason: closedBecause) }
        let endpoint = target.endpoint
        let timeout = target.connectTimeout
        libssh2_session_set_blocking(io.session, 0)
        preferHostKeyType(pinned.type, io: io)

        guard let handshake = io.retry(until: deadline, { libssh2_session_handshake(io.session, io.socket.fd) })
        else {
            throw SSHError.connectTimedOut(endpoint: endpoint, stage: .handshake, timeout: timeout)
        }
        guard handshake == 0 else {
            throw SSHError.handshakeFailed(endpoint: endpoint, reason: io.lastError.message)
        }

        let offered = try offeredHostKey(io: io)
        guard offered == pinned else {
            // Tell the server why, briefly; nothing else happens on this connection.
            _ = io.retry(until: Deadline(after: .milliseconds(300))) {
                libssh2_session_disconnect_ex(
                    io.session, SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE, "host key mismatch", "")
            }
            throw SSHError.hostKeyMismatch(expected: pinned.text, offered: offered.text)
        }

        let user = target.user
        let authenticated = io.retry(until: deadline) {
            libssh2_userauth_publickey_fromfile_ex(
                io.session, user, UInt32(user.utf8.count), credentials.publicKeyPath, credentials.privateKeyPath,
                credentials.passphrase)
        }
        guard let authenticated else {
            throw SSHError.connectTimedOut(endpoint: endpoint, stage: .authentication, timeout: timeout)
        }
        switch authenticated {
        case 0:
            return
        case LIBSSH2_ERROR_FILE:
            throw SSHError.unusableKey(path: credentials.privateKeyPath, reason: io.lastError.message)
        case let code where SessionIO.isTransportFailure(code):
            throw SSHError.connectionLost(reason: "during authentication: \(io.lastError.message)")
        default:
            throw SSHError.authenticationFailed(
                user: user, key: credentials.privateKeyPath, reason: io.lastError.message)
        }
    }

    /// Asks for the pinned key's type first. libssh2 prefers ECDSA host keys, so against a server with ECDSA and
    /// ed25519 keys a pinned ed25519 key would otherwise be compared with the ECDSA one. The other types stay in
    /// the list, so a server without the pinned type still reports what it offers as a mismatch.
    private func preferHostKeyType(_ type: String, io: SessionIO) {
        var list: UnsafeMutablePointer<UnsafePointer<CChar>?>? = nil
        let count = libssh2_session_supported_algs(io.session, LIBSSH2_METHOD_HOSTKEY, &list)
        guard count > 0, let list else { return }
        defer { libssh2_free(io.session, list) }
        let supported = (0..<Int(count)).compactMap { list[$0].map { String(cString: $0) } }
        guard supported.contains(type) else { return }
        let preference = ([type] + supported.filter { $0 != type }).joined(separator: ",")
        _ = libssh2_session_method_pref(io.session, LIBSSH2_METHOD_HOSTKEY, preference)
    }

    private func offeredHostKey(io: SessionIO) throws -> SSHPublicKey {
        var length = 0
        var type: Int32 = 0
        guard let key = libssh2_session_hostkey(io.session, &length, &type), length > 0 else {
            throw SSHError.handshakeFailed(endpoint: target.endpoint, reason: "the server sent no host key")
        }
        return SSHPublicKey(blob: Array(UnsafeRawBufferPointer(start: key, count: length)))
    }

    /// Says goodbye to the server and frees the session. Safe to call more than once.
    package func close() {
        tearDown(reason: "it was closed", graceful: true)
    }

    /// The live session, or why there is none.
    func liveIO() throws -> SessionIO {
        guard let io else { throw SSHError.connectionClosed(reason: closedBecause) }
        return io
    }

    /// Frees everything, once. Graceful: the server is told (each step bounded by a short deadline, after which
    /// the link is cut). Not graceful: the TCP connection is cut first, so no libssh2 call waits for a server
    /// that may not answer; that is what a timeout needs, since libssh2 1.10 cannot signal a remote command and
    /// closing its channel would wait for the command to end.
    func tearDown(reason: String, graceful: Bool) {
        guard let io else { return }
        self.io = nil
        closedBecause = reason
        var deadline = Deadline(after: graceful ? .seconds(2) : .milliseconds(200))
        if !graceful { io.socket.shutdown() }

        func step(_ call: () -> Int32) {
            if io.retry(until: deadline, call) == nil {
                io.socket.shutdown()
                deadline = Deadline(after: .milliseconds(200))
            }
        }
        if let sftp {
            self.sftp = nil
            step { libssh2_sftp_shutdown(sftp) }
        }
        if graceful {
            step { libssh2_session_disconnect_ex(io.session, SSH_DISCONNECT_BY_APPLICATION, "closing", "") }
        }
        // Should freeing still say EAGAIN on a cut connection, the session is leaked rather than waited for.
        io.socket.shutdown()
        deadline = Deadline(after: .milliseconds(200))
        _ = io.retry(until: deadline) { libssh2_session_free(io.session) }
        io.socket.close()
    }
}

/// A connection belongs to one thread at a time.
@available(*, unavailable)
extension SSHConnection: Sendable {}
