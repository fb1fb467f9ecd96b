import SSHTransport

/// Why a server's script did not run to its end, as a kind a caller decides on (the daemon's back-off and
/// quarantine, its metrics' labels) and the sentence people read.
package struct ServerFailure: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Nothing answered: refused, no route, the name did not resolve, the TCP connect timed out.
        case unreachable
        /// The server's key is not the pinned one: a person must check it; retrying cannot help.
        case hostKeyRefused
        /// The client key was refused or cannot be used: a person must act.
        case authentication
        /// The SSH handshake, the login or the script passed its deadline.
        case timeout
        /// The connection broke while the script ran: it may or may not have finished (the journal knows).
        case connectionLost
        /// Anything else: the script could not be rendered, the server refused the channel, libssh2 failed.
        case other
    }

    package var kind: Kind
    package var message: String
    package var description: String { message }

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The kind of a transport error (or of a `ServerFailure` itself); `other` for anything else.
    package static func kind(of error: Error) -> Kind {
        if let failure = error as? ServerFailure { return failure.kind }
        guard let error = error as? SSHError else { return .other }
        switch error {
        case .nameResolution, .connectionRefused, .connectFailed, .connectTimedOut(_, .tcpConnect, _):
            return .unreachable
        case .connectTimedOut, .timedOut: return .timeout
        case .hostKeyMismatch: return .hostKeyRefused
        case .authenticationFailed, .unusableKey: return .authentication
        case .connectionLost, .connectionClosed: return .connectionLost
        case .invalidTarget, .handshakeFailed, .channelFailed, .sftp, .libssh2: return .other
        }
    }
}
