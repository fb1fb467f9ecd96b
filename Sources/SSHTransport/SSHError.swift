/// Why an SSH operation failed: a sentence for people (`description`) and what to try next (`hint`).
package enum SSHError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The target cannot be used as given: an empty host, a port out of range, a pinned key that is not a key line.
    case invalidTarget(String)
    /// A key file is missing, unreadable, encrypted with another passphrase or in a format libssh2 cannot load.
    case unusableKey(path: String, reason: String)
    /// The host name did not resolve.
    case nameResolution(host: String, reason: String)
    /// Nothing listens on the port: the host answered with a reset.
    case connectionRefused(endpoint: String)
    /// The TCP connection failed for another reason (no route, network down, ...).
    case connectFailed(endpoint: String, reason: String)
    /// A step of connecting did not finish within the target's connect timeout.
    case connectTimedOut(endpoint: String, stage: ConnectStage, timeout: Duration)
    /// The SSH handshake failed: no common algorithm, not an SSH server, the connection dropped.
    case handshakeFailed(endpoint: String, reason: String)
    /// The server's host key is not the pinned one; the connection was closed before authenticating.
    /// Both are "type base64" lines.
    case hostKeyMismatch(expected: String, offered: String)
    /// The server did not accept the client key for the user.
    case authenticationFailed(user: String, key: String, reason: String)
    /// The connection was closed earlier (by `close()`, a timed-out operation or a lost connection).
    case connectionClosed(reason: String)
    /// The connection broke during an operation.
    case connectionLost(reason: String)
    /// The server refused a channel or the command on it.
    case channelFailed(reason: String)
    /// An SFTP step failed for `path`.
    case sftp(operation: String, path: String, reason: String)
    /// An operation other than `run` (which reports its timeout in its result) passed its deadline; the
    /// connection was closed.
    case timedOut(operation: String, timeout: Duration)
    /// Any other libssh2 failure.
    case libssh2(operation: String, code: Int32, message: String)

    package var description: String {
        switch self {
        case .invalidTarget(let reason):
            return "invalid ssh target: \(reason)"
        case .unusableKey(let path, let reason):
            return "cannot use the key \(path): \(reason)"
        case .nameResolution(let host, let reason):
            return "cannot resolve \(host): \(reason)"
        case .connectionRefused(let endpoint):
            return "connection to \(endpoint) refused"
        case .connectFailed(let endpoint, let reason):
            return "cannot connect to \(endpoint): \(reason)"
        case .connectTimedOut(let endpoint, let stage, let timeout):
            return "\(stage.rawValue) with \(endpoint) timed out after \(timeout)"
        case .handshakeFailed(let endpoint, let reason):
            return "ssh handshake with \(endpoint) failed: \(reason)"
        case .hostKeyMismatch(let expected, let offered):
            return "host key mismatch: expected \(expected), offered \(offered)"
        case .authenticationFailed(let user, let key, let reason):
            return "ssh authentication as \(user) with the key \(key) failed: \(reason)"
        case .connectionClosed(let reason):
            return "the ssh connection is closed: \(reason)"
        case .connectionLost(let reason):
            return "the ssh connection broke: \(reason)"
        case .channelFailed(let reason):
            return "the server refused the command: \(reason)"
        case .sftp(let operation, let path, let reason):
            return "sftp \(operation) of \(path) failed: \(reason)"
        case .timedOut(let operation, let timeout):
            return "\(operation) timed out after \(timeout)"
        case .libssh2(let operation, let code, let message):
            return "\(operation) failed (\(code)): \(message)"
        }
    }

    /// What to check or try next.
    package var hint: String {
        switch self {
        case .invalidTarget:
            return "check the server's address, port and hostKey (a line such as \"ssh-ed25519 AAAA...\")"
        case .unusableKey:
            return "the key must exist, be readable and be an OpenSSH ed25519 or ECDSA key; check the passphrase"
        case .nameResolution:
            return "check the host name, or use an address"
        case .connectionRefused:
            return "is sshd running and listening on that port? check the port and any firewall that rejects"
        case .connectFailed:
            return "check the address, the route to the host and the firewall"
        case .connectTimedOut(_, .tcpConnect, _):
            return "the host does not answer: it may be down, or a firewall may drop the packets"
        case .connectTimedOut(_, .handshake, _):
            return "the port accepts connections but the SSH server does not answer: is it sshd, and is it overloaded?"
        case .connectTimedOut(_, .authentication, _):
            return "the server is slow to check the key: is it overloaded, or does its AuthorizedKeysCommand hang?"
        case .handshakeFailed:
            return "the server may not speak SSH, or offers no algorithm libssh2 supports (RSA-only host keys need"
                + " HostKeyAlgorithms +ssh-rsa)"
        case .hostKeyMismatch:
            return "if the server was reinstalled or its key rotated, pin the new key after checking it out of band"
                + " (ssh-keyscan -t ed25519 HOST, compared on the console); otherwise someone may be intercepting"
        case .authenticationFailed:
            return "add the public key to the user's authorized_keys on the server; RSA keys need the server to"
                + " accept ssh-rsa signatures, so prefer ed25519"
        case .connectionClosed:
            return "connect again"
        case .connectionLost:
            return "check the server and the network; the command may or may not have finished"
        case .channelFailed:
            return "check the server's sshd_config (MaxSessions, ForceCommand) and the user's login shell"
        case .sftp(_, let path, _):
            return "check that the folder of \(path) exists and that the user may write there, and that sshd"
                + " enables the sftp subsystem"
        case .timedOut:
            return "the server or the network is slow; raise the timeout or check the server"
        case .libssh2:
            return "see the libssh2 message; connect again"
        }
    }

    /// The steps of connecting, in order.
    package enum ConnectStage: String, Sendable {
        case tcpConnect = "TCP connect"
        case handshake = "SSH handshake"
        case authentication = "authentication"
    }
}
